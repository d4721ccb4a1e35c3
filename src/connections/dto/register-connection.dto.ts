import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUrl, Matches, MaxLength, MinLength } from 'class-validator';

/** Body of POST /api/v1/operations/connections: what a CPO gave us out of band (credentials 2.2.1 §Registration). */
export class RegisterConnectionDto {
  @ApiProperty({ description: 'Label for operations, e.g. "Allego NL"', example: 'Simulated CPO', minLength: 1, maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiProperty({ description: "The CPO's versions endpoint URL", example: 'https://cpo.example.com/ocpi/versions' })
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  versions_url: string;

  @ApiProperty({ description: 'Credentials token A the CPO issued to us (printable ASCII, at most 64 characters)', pattern: '^[\\x21-\\x7e]{1,64}$' })
  @Matches(/^[\x21-\x7e]{1,64}$/, { message: 'token_a must be 1 to 64 printable ASCII characters without spaces' })
  token_a: string;
}
