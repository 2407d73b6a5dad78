import { Alert, Flex, Spin, Tree, Typography } from "antd";
import type { DataNode, EventDataNode } from "antd/es/tree/index.js";
import { type Key, useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, errorMessage } from "../../api/client.js";
import type { OrgUnit, Page } from "../../api/types.js";
import { unitTypeLabel } from "../../lib/labels.js";

/** Children per request; the biggest branch (plan bodies under the committee) takes two or three pages. */
const PAGE_SIZE = 100;
const MORE_PREFIX = "more:";

interface UnitNode extends DataNode {
  key: string;
  children?: UnitNode[];
  /** For a "load more" row: whose children, and from where. */
  more?: { parentId: string; cursor: string };
}

function UnitTitle({ unit }: { unit: OrgUnit }) {
  const { t } = useTranslation();
  return (
    <span>
      {unit.name}
      <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 6 }}>
        {unitTypeLabel(t, unit.type)}
      </Typography.Text>
    </span>
  );
}

function toNodes(parentId: string, page: Page<OrgUnit>, moreLabel: string): UnitNode[] {
  const nodes: UnitNode[] = page.items.map((unit) => ({
    key: unit.id,
    title: <UnitTitle unit={unit} />,
    isLeaf: unit.childCount === 0,
  }));
  if (page.nextCursor) {
    nodes.push({
      key: `${MORE_PREFIX}${parentId}:${page.nextCursor}`,
      title: <Typography.Link>{moreLabel}</Typography.Link>,
      isLeaf: true,
      more: { parentId, cursor: page.nextCursor },
    });
  }
  return nodes;
}

/** Replaces the children of `parentId` (or the roots when it is ""), appending after a "load more" row. */
function withChildren(nodes: UnitNode[], parentId: string, next: UnitNode[], append: boolean): UnitNode[] {
  const merge = (current: UnitNode[] | undefined) =>
    append ? [...(current ?? []).filter((n) => !n.more), ...next] : next;
  if (parentId === "") {
    return merge(nodes);
  }
  return nodes.map((node) => {
    if (node.key === parentId) {
      return { ...node, children: merge(node.children) };
    }
    return node.children ? { ...node, children: withChildren(node.children, parentId, next, append) } : node;
  });
}

interface OrgTreeProps {
  selectedId: string | undefined;
  /** Ancestors of the selected unit: expanded so the selection is visible in its place. */
  reveal: string[];
  onSelect(id: string): void;
}

/** The org tree, loaded one level at a time as the user expands it (~1,000 units in Chaoyang). */
export function OrgTree({ selectedId, reveal, onSelect }: OrgTreeProps) {
  const { t } = useTranslation();
  const [nodes, setNodes] = useState<UnitNode[]>([]);
  const [expanded, setExpanded] = useState<Key[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [loadingRoots, setLoadingRoots] = useState(true);
  const moreLabel = t("org.loadMoreChildren");

  const fetchChildren = useCallback(
    async (parentId: string, cursor: string | undefined) => {
      const page = await api.get<Page<OrgUnit>>("/api/org/units", {
        parent: parentId,
        limit: PAGE_SIZE,
        cursor,
      });
      setNodes((prev) =>
        withChildren(prev, parentId, toNodes(parentId, page, moreLabel), cursor !== undefined),
      );
    },
    [moreLabel],
  );

  useEffect(() => {
    setLoadingRoots(true);
    fetchChildren("", undefined)
      .catch(setError)
      .finally(() => setLoadingRoots(false));
  }, [fetchChildren]);

  useEffect(() => {
    if (reveal.length > 0) {
      setExpanded((prev) => [...new Set([...prev, ...reveal])]);
    }
  }, [reveal]);

  const loadData = async (node: EventDataNode<UnitNode>) => {
    if (node.more || node.children) {
      return;
    }
    try {
      await fetchChildren(node.key, undefined);
    } catch (e) {
      setError(e);
    }
  };

  if (loadingRoots) {
    return (
      <Flex justify="center" style={{ padding: 24 }}>
        <Spin />
      </Flex>
    );
  }

  return (
    <>
      {error ? <Alert type="error" showIcon title={errorMessage(error)} style={{ marginBottom: 8 }} /> : null}
      <Tree<UnitNode>
        className="fh-org-tree"
        treeData={nodes}
        loadData={loadData}
        expandedKeys={expanded}
        onExpand={(keys) => setExpanded(keys)}
        selectedKeys={selectedId ? [selectedId] : []}
        onSelect={(_keys, info) => {
          const node = info.node;
          if (node.more) {
            fetchChildren(node.more.parentId, node.more.cursor).catch(setError);
            return;
          }
          onSelect(node.key);
        }}
        blockNode
        showLine
      />
    </>
  );
}
