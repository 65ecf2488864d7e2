import { useInfiniteQuery } from "@tanstack/react-query";

interface CursorPage<T> {
  data: T[];
  pagination?: { cursor?: string | undefined; hasMore: boolean } | undefined;
}

/**
 * A cursor-paged list call as one growing list of rows: the next page loads when the table
 * nears its end (`onNearEnd`), never all pages up front.
 */
export function usePagedList<T>(
  queryKey: readonly unknown[],
  list: (cursor: string | undefined) => Promise<CursorPage<T>>,
) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => list(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => (page.pagination?.hasMore ? page.pagination.cursor : undefined),
  });
  return {
    query,
    rows: query.data?.pages.flatMap((page) => page.data) ?? [],
    onNearEnd: query.hasNextPage ? () => void query.fetchNextPage() : undefined,
  };
}

/** The SDK's list request fields for a page after `cursor`. */
export const pageAfter = (cursor: string | undefined) => ({
  limit: 100,
  ...(cursor ? { cursor } : {}),
});
