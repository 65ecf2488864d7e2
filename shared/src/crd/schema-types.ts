/**
 * A type-level reading of the structural OpenAPI v3 subset that CRDs use, so the CRD's
 * schema object is the one source of truth and the TypeScript types follow from it.
 *
 * `FromSchema<S, "stored">` is an object as the apiserver returns it: defaults are applied,
 * so a property with a `default` is always present. `FromSchema<S, "input">` is what a
 * client may send: only `required` properties must be present.
 */

/** The part of apiextensions.k8s.io/v1 JSONSchemaProps that Slipway's CRDs use. */
export interface JsonSchemaProps {
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  description?: string;
  properties?: Readonly<Record<string, JsonSchemaProps>>;
  additionalProperties?: JsonSchemaProps;
  required?: readonly string[];
  items?: JsonSchemaProps;
  enum?: readonly (string | number)[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: readonly string[];
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-validations"?: readonly { rule: string; message?: string; reason?: string }[];
}

export type SchemaMode = "stored" | "input";

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type RequiredKeys<S> = S extends { required: readonly (infer R)[] } ? R : never;

type PresentKey<S, K, Mode extends SchemaMode> =
  K extends RequiredKeys<S>
    ? true
    : Mode extends "stored"
      ? S extends { properties: Record<K & string, { default: unknown }> }
        ? true
        : false
      : false;

type ObjectFromSchema<S, Mode extends SchemaMode> = S extends { properties: infer P }
  ? Simplify<
      {
        -readonly [K in keyof P as PresentKey<S, K, Mode> extends true ? K : never]: FromSchema<
          P[K],
          Mode
        >;
      } & {
        -readonly [K in keyof P as PresentKey<S, K, Mode> extends true ? never : K]?: FromSchema<
          P[K],
          Mode
        >;
      }
    >
  : S extends { additionalProperties: infer A }
    ? Record<string, FromSchema<A, Mode>>
    : Record<string, unknown>;

export type FromSchema<S, Mode extends SchemaMode = "stored"> = S extends {
  enum: readonly (infer E)[];
}
  ? E
  : S extends { type: "string" }
    ? string
    : S extends { type: "integer" | "number" }
      ? number
      : S extends { type: "boolean" }
        ? boolean
        : S extends { type: "array"; items: infer I }
          ? FromSchema<I, Mode>[]
          : S extends { type: "object" }
            ? ObjectFromSchema<S, Mode>
            : unknown;
