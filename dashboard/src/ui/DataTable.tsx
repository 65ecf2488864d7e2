import { useVirtualizer } from "@tanstack/react-virtual";
import { type KeyboardEvent, type ReactNode, useEffect, useMemo, useRef, useState } from "react";
import { nextRowIndex } from "./row-navigation";
import { nextSort, type SortState, type SortValue, sortRows } from "./sort-rows";

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  className?: string;
  /** Makes the column sortable (with `onSortChange`): the value rows are ordered by. */
  sortValue?: (row: T) => SortValue;
}

interface DataTableProps<T> {
  caption: string;
  columns: Array<Column<T>>;
  rows: readonly T[];
  rowKey: (row: T) => string;
  /** Enter (or a click) on a row. */
  onActivate?: (row: T) => void;
  rowClassName?: (row: T) => string | undefined;
  empty?: ReactNode;
  /** Called when the last rows scroll into view, to fetch the next page. */
  onNearEnd?: () => void;
  /** The column (by header) the rows are ordered by; the rows as given when null. */
  sort?: SortState | null;
  onSortChange?: (sort: SortState) => void;
}

const rowHeight = 37;

/**
 * A table that stays smooth at 10 000 rows (only the rows in view are in the DOM, spacer rows
 * keep the scroll height) and is driven by the keyboard: one row is in the tab order, arrows,
 * Page Up/Down, Home and End move between rows, Enter activates.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { caption, columns, rowKey, onActivate, rowClassName, empty, onNearEnd } = props;
  const { sort, onSortChange } = props;
  // Columns are usually declared inline (new functions each render); sorting follows the rows
  // and the sort state only, not every re-render a scroll causes.
  const columnsRef = useRef(columns);
  columnsRef.current = columns;
  const rows = useMemo(() => {
    const sortValue = columnsRef.current.find(
      (column) => column.header === sort?.column,
    )?.sortValue;
    return sort && sortValue ? sortRows(props.rows, sortValue, sort.direction) : props.rows;
  }, [props.rows, sort]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [activeIndex, setActiveIndex] = useState(0);
  const focusPending = useRef(false);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastItem = items.at(-1);
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = lastItem ? virtualizer.getTotalSize() - lastItem.end : 0;

  useEffect(() => {
    if (onNearEnd && lastItem && lastItem.index >= rows.length - 20) onNearEnd();
  }, [lastItem, rows.length, onNearEnd]);

  useEffect(() => {
    if (!focusPending.current) return;
    const row = scrollRef.current?.querySelector<HTMLElement>(`tr[data-index="${activeIndex}"]`);
    if (row) {
      focusPending.current = false;
      row.focus();
    }
  });

  const clampedActive = Math.min(activeIndex, Math.max(rows.length - 1, 0));

  function onKeyDown(event: KeyboardEvent<HTMLTableSectionElement>) {
    const target = nextRowIndex(event.key, clampedActive, rows.length, 10);
    if (target === null) {
      if (event.key === "Enter" && onActivate && rows[clampedActive]) {
        event.preventDefault();
        onActivate(rows[clampedActive]);
      }
      return;
    }
    event.preventDefault();
    focusPending.current = true;
    setActiveIndex(target);
    virtualizer.scrollToIndex(target, { align: "auto" });
  }

  if (rows.length === 0) return <div className="empty">{empty ?? "Nothing here yet."}</div>;

  return (
    <div className="table-scroll" ref={scrollRef} tabIndex={-1}>
      <table aria-rowcount={rows.length + 1}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr aria-rowindex={1}>
            {columns.map((column) => (
              <HeaderCell
                key={column.header}
                column={column}
                sort={sort ?? null}
                onSortChange={onSortChange}
              />
            ))}
          </tr>
        </thead>
        <tbody onKeyDown={onKeyDown}>
          {paddingTop > 0 && (
            // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row (virtual scroll height) holds nothing focusable
            <tr aria-hidden="true" style={{ height: paddingTop }}>
              <td colSpan={columns.length} />
            </tr>
          )}
          {items.map((item) => {
            const row = rows[item.index] as T;
            const classes = [rowClassName?.(row), item.index === clampedActive ? "row-active" : ""]
              .filter(Boolean)
              .join(" ");
            return (
              <tr
                key={rowKey(row)}
                data-index={item.index}
                aria-rowindex={item.index + 2}
                tabIndex={item.index === clampedActive ? 0 : -1}
                className={classes || undefined}
                onFocus={() => setActiveIndex(item.index)}
                onClick={
                  onActivate
                    ? (event) => {
                        // A button or link inside the row does its own thing, not "open the row".
                        const target = event.target as HTMLElement;
                        if (!target.closest("button, a, input, select, textarea, label"))
                          onActivate(row);
                      }
                    : undefined
                }
              >
                {columns.map((column) => (
                  <td key={column.header} className={column.className}>
                    {column.cell(row)}
                  </td>
                ))}
              </tr>
            );
          })}
          {paddingBottom > 0 && (
            // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row (virtual scroll height) holds nothing focusable
            <tr aria-hidden="true" style={{ height: paddingBottom }}>
              <td colSpan={columns.length} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/** A column header; a sortable one is a button that says its order (`aria-sort`). */
function HeaderCell<T>(props: {
  column: Column<T>;
  sort: SortState | null;
  onSortChange: ((sort: SortState) => void) | undefined;
}) {
  const { column, sort, onSortChange } = props;
  if (!column.sortValue || !onSortChange) {
    return (
      <th scope="col" className={column.className}>
        {column.header}
      </th>
    );
  }
  const direction = sort?.column === column.header ? sort.direction : undefined;
  return (
    <th scope="col" className={column.className} aria-sort={direction ?? "none"}>
      <button
        type="button"
        className="sort-header"
        onClick={() => onSortChange(nextSort(sort, column.header))}
      >
        {column.header}
        <span aria-hidden="true">
          {direction === "ascending" ? " ▲" : direction === "descending" ? " ▼" : ""}
        </span>
      </button>
    </th>
  );
}
