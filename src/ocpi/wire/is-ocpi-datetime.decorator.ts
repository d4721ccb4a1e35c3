import { registerDecorator, ValidationOptions } from 'class-validator';
import { readOcpiDateTime } from './ocpi-datetime';

/**
 * Validates an OCPI DateTime (types 2.2.1 §DateTime) as readOcpiDateTime reads it: with or without 'Z', fractional
 * seconds, numeric offsets. Anything else (a date alone, "yesterday") fails naming the field, so a mapper that reads
 * the value afterwards with readOcpiDateTime always gets an instant.
 */
export function IsOcpiDateTime(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isOcpiDateTime',
      target: target.constructor,
      propertyName: propertyName as string,
      // "$property must …" like class-validator's own messages: validateWireObject replaces the property with the path.
      options: { message: '$property must be an OCPI DateTime (types §DateTime, e.g. 2015-06-29T20:39:09Z)', ...options },
      validator: { validate: (value: unknown) => readOcpiDateTime(value) !== null },
    });
}
