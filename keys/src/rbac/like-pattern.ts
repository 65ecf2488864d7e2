/** A case-insensitive "contains" pattern for ILIKE, the user's `%`, `_` and `\` taken literally. */
export const likePattern = (search: string) =>
  `%${search.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
