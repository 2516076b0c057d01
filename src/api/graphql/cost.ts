import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/**
 * The cost of a GraphQL query before it runs: how many objects (entities, rows) it may produce at most. Each
 * object field costs one per object it returns; a list field returns up to its `first` argument (the value
 * given, else the variable's, else the argument's default in the schema), and everything selected below it
 * is paid once per element, so list sizes multiply down the tree. Aliases are separate fields and every
 * fragment spread counts where it is spread. Scalars cost nothing: rows, not columns, are what a query costs
 * the database and the serializer.
 *
 * A pure function of the schema and the document, knowing nothing of Atlas's entities: any schema whose list
 * fields take `first` is costed the same way.
 */
export interface CostOptions {
  /** Which operation of the document runs (as the request names it). */
  operationName?: string | null;
  variables?: Readonly<Record<string, unknown>> | null;
  /** Elements assumed for a list of objects that takes no `first` argument (default 100). */
  unboundedListSize?: number;
}

/** Objects the operation may produce (a bound, not a count). Unknown fields cost nothing: validation refuses them. */
export function queryCost(schema: GraphQLSchema, document: DocumentNode, opts: CostOptions = {}): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    else if (d.kind === Kind.OPERATION_DEFINITION) operations.push(d);
  }
  const op = opts.operationName ? operations.find((o) => o.name?.value === opts.operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!op) return 0;
  const root = op.operation === 'query' ? schema.getQueryType() : op.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  if (!root) return 0;

  const variables = opts.variables ?? {};
  const defaults = new Map<string, ValueNode>();
  for (const v of op.variableDefinitions ?? []) if (v.defaultValue) defaults.set(v.variable.name.value, v.defaultValue);
  const unbounded = opts.unboundedListSize ?? 100;

  /** A whole number from a literal or a variable; null when absent or not a number. */
  const intOf = (node: ValueNode | undefined): number | null => {
    if (!node) return null;
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind === Kind.VARIABLE) {
      const name = node.name.value;
      const v = variables[name];
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
      return v === undefined ? intOf(defaults.get(name)) : null;
    }
    return null;
  };

  /** Elements a list field returns at most. */
  const listSize = (def: GraphQLField<unknown, unknown>, node: FieldNode): number => {
    const arg = def.args.find((a) => a.name === 'first');
    if (!arg) return unbounded;
    const given = intOf(node.arguments?.find((a) => a.name.value === 'first')?.value);
    const n = given ?? (typeof arg.defaultValue === 'number' ? arg.defaultValue : unbounded);
    return Math.max(0, n);
  };

  const isList = (t: GraphQLOutputType): boolean => isListType(isNonNullType(t) ? t.ofType : t);

  // A fragment costs the same wherever it is spread (its type condition is its own): costed once, so
  // fragments spread many times over cost linear time. A cycle (invalid anyway) counts as nothing.
  const fragmentCost = new Map<string, number>();
  const inProgress = new Set<string>();

  const selectionCost = (type: GraphQLCompositeType, set: SelectionSetNode): number => {
    let total = 0;
    // Under an interface or union, fragments on different object types are alternatives: an object is one type.
    const alternatives = new Map<string, number>();
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value.startsWith('__') || !('getFields' in type)) continue;
        const def = type.getFields()[s.name.value];
        if (!def) continue;
        const named = getNamedType(def.type);
        if (!isCompositeType(named)) continue;
        const each = 1 + (s.selectionSet ? selectionCost(named, s.selectionSet) : 0);
        total += isList(def.type) ? listSize(def, s) * each : each;
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        const t = s.typeCondition ? schema.getType(s.typeCondition.name.value) : type;
        if (!t || !isCompositeType(t)) continue;
        const c = selectionCost(t, s.selectionSet);
        if (isAbstractType(type) && isObjectType(t)) alternatives.set(t.name, (alternatives.get(t.name) ?? 0) + c);
        else total += c;
      } else {
        const name = s.name.value;
        let c = fragmentCost.get(name);
        if (c === undefined) {
          const f = fragments.get(name);
          const t = f ? schema.getType(f.typeCondition.name.value) : undefined;
          if (!f || !t || !isCompositeType(t) || inProgress.has(name)) c = 0;
          else {
            inProgress.add(name);
            c = selectionCost(t, f.selectionSet);
            inProgress.delete(name);
            fragmentCost.set(name, c);
          }
        }
        total += c;
      }
      if (total > Number.MAX_SAFE_INTEGER) return Number.MAX_SAFE_INTEGER;
    }
    return total + Math.max(0, ...alternatives.values());
  };

  return Math.min(Number.MAX_SAFE_INTEGER, selectionCost(root, op.selectionSet));
}
