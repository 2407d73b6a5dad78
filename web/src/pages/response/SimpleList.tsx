import { Typography } from "antd";
import type { ReactNode } from "react";

/** A plain bordered list (antd's List is deprecated in v6): one row per item, a text when empty. */
export function SimpleList<T>({
  items,
  render,
  empty,
  rowKey,
}: {
  items: T[];
  render: (item: T) => ReactNode;
  empty: string;
  rowKey: (item: T) => string;
}) {
  if (items.length === 0) {
    return <Typography.Text type="secondary">{empty}</Typography.Text>;
  }
  return (
    <ul className="fh-simple-list">
      {items.map((item) => (
        <li key={rowKey(item)}>{render(item)}</li>
      ))}
    </ul>
  );
}
