import { registerDecorator, ValidationOptions } from 'class-validator';
import { toDecimalString } from './ocpi-number';

/** Validates an OCPI `number`: a JSON number or a numeric string (tolerated), finite. */
export function IsOcpiNumber(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isOcpiNumber',
      target: target.constructor,
      propertyName: propertyName as string,
      // "$property must …" like class-validator's own messages: validateWireObject replaces the property with the path.
      options: { message: '$property must be a number', ...options },
      validator: { validate: (value: unknown) => toDecimalString(value) !== null },
    });
}
