import { z } from 'zod';

type Json = { [k: string]: unknown };

/**
 * GraphQL object types generated from the zod schemas that already describe the REST answers, so a field served
 * by both faces is declared once. Objects become types (named by their schema id, else by their parent's name
 * and the field), integers `Int`, other numbers `Float`, strings, enums and literals `String`; a required,
 * non-null property gets `!`. Shapes GraphQL cannot express (records, unions of objects) are refused.
 */
export class SdlTypes {
  private readonly types = new Map<string, string>();

  constructor(private readonly rename: Record<string, string> = {}) {}

  /** Declares the object type of `schema` under `name` (and every nested type); returns the type's name. */
  add(name: string, schema: z.ZodType, description?: string): string {
    const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
    const defs = (json.$defs ?? {}) as Record<string, Json>;
    const root = typeof json.$ref === 'string' ? defs[json.$ref.replace('#/$defs/', '')]! : json;
    return this.objectType(name, root, defs, description);
  }

  /** Every declared type, ready to join into a schema document. */
  sdl(): string {
    return [...this.types.values()].join('\n');
  }

  private objectType(name: string, s: Json, defs: Record<string, Json>, description?: string): string {
    const typeName = this.rename[name] ?? name;
    if (this.types.has(typeName)) return typeName;
    if (s.type !== 'object' || !s.properties) throw new Error(`GraphQL type ${typeName}: not an object schema`);
    this.types.set(typeName, '');
    const required = new Set((s.required as string[] | undefined) ?? []);
    const fields = Object.entries(s.properties as Record<string, Json>).map(([field, p]) => {
      const t = this.fieldType(`${typeName}${field[0]!.toUpperCase()}${field.slice(1)}`, p, defs);
      return `${field}: ${t.name}${t.nullable || !required.has(field) ? '' : '!'}`;
    });
    const doc = description ?? (typeof s.description === 'string' ? s.description : undefined);
    this.types.set(typeName, `${doc ? `"""${doc.replace(/"""/g, '"')}"""\n` : ''}type ${typeName} { ${fields.join(', ')} }`);
    return typeName;
  }

  private fieldType(name: string, p: Json, defs: Record<string, Json>): { name: string; nullable: boolean } {
    if (typeof p.$ref === 'string') {
      const id = p.$ref.replace('#/$defs/', '');
      return this.fieldType(id, defs[id]!, defs);
    }
    const variants = (p.anyOf ?? p.oneOf) as Json[] | undefined;
    if (variants) {
      const nonNull = variants.filter((v) => v.type !== 'null');
      if (nonNull.length !== 1) throw new Error(`GraphQL type ${name}: a union cannot be expressed`);
      return { name: this.fieldType(name, nonNull[0]!, defs).name, nullable: nonNull.length < variants.length };
    }
    const types = Array.isArray(p.type) ? (p.type as string[]) : [p.type as string | undefined];
    const nullable = types.includes('null');
    const t = types.find((x) => x !== 'null');
    if (t === 'object') return { name: this.objectType(typeof p.id === 'string' ? p.id : name, p, defs), nullable };
    if (t === 'array') {
      const item = this.fieldType(name, p.items as Json, defs);
      return { name: `[${item.name}${item.nullable ? '' : '!'}]`, nullable };
    }
    const scalar = t === 'integer' ? 'Int' : t === 'number' ? 'Float' : t === 'boolean' ? 'Boolean' : t === 'string' || p.enum || p.const !== undefined ? 'String' : null;
    if (!scalar) throw new Error(`GraphQL type ${name}: no GraphQL type for ${JSON.stringify(p).slice(0, 80)}`);
    return { name: scalar, nullable };
  }
}
