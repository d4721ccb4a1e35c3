import { registerDecorator, ValidationArguments } from 'class-validator';
import { ciStringProblem, currencyProblem, objectProblem, quantityProblem, signedQuantityProblem } from './field-rules';

/**
 * A class-validator decorator from one of field-rules.ts' checks. Messages read "$property must …" like
 * class-validator's own: validateWireObject puts the field's path in place of the property.
 */
function fromCheck(name: string, check: (value: unknown, args: ValidationArguments) => string | null): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: (args: ValidationArguments) => `$property ${check(args.value, args) ?? 'is invalid'}` },
      validator: { validate: (value: unknown, args: ValidationArguments) => check(value, args) === null },
    });
}

/**
 * An identifier or reference typed CiString(max) (types §CiString): `min` (default 1) to `max` printable ASCII
 * characters, not blank, no space at either end. See ciStringProblem.
 */
export function IsOcpiId(length: { min?: number; max: number }): PropertyDecorator {
  return fromCheck('isOcpiId', (value) => ciStringProblem(value, length));
}

/** An ISO 4217 currency code that ISO lists (see currencyProblem). */
export function IsCurrencyCode(): PropertyDecorator {
  return fromCheck('isCurrencyCode', (value) => currencyProblem(value));
}

/** A quantity: an OCPI number (a numeric string is tolerated) from 0 to MAX_QUANTITY (see quantityProblem). */
export function IsOcpiQuantity(): PropertyDecorator {
  return fromCheck('isOcpiQuantity', (value) => quantityProblem(value));
}

/**
 * An OCPI number that may be negative only when `mayBeNegative(object)` says so (e.g. by the CdrDimension's type),
 * bounded by MAX_QUANTITY either way.
 */
export function IsOcpiMeasurement(mayBeNegative: (object: object) => boolean): PropertyDecorator {
  return fromCheck('isOcpiMeasurement', (value, args) => (mayBeNegative(args.object) ? signedQuantityProblem(value) : quantityProblem(value)));
}

/**
 * A field typed as a class: a JSON object (see objectProblem). Put it beside @ValidateNested, which checks the
 * object's fields; validateWireObject then says a non-object once, in these words.
 */
export function IsWireObject(what: string): PropertyDecorator {
  return fromCheck('isWireObject', (value) => objectProblem(value, what));
}
