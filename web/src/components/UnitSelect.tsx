import { Select, Space, Typography } from "antd";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api/client.js";
import type { OrgUnit, Page } from "../api/types.js";
import { unitTypeLabel } from "../lib/labels.js";

interface UnitSelectProps {
  value?: string | undefined;
  onChange?: (value: string | undefined) => void;
  /** The name of the unit already chosen (editing), so it shows before any search. */
  initial?: { id: string; name: string } | undefined;
  placeholder?: string;
  allowClear?: boolean;
  id?: string;
  style?: React.CSSProperties;
}

const SEARCH_DELAY_MS = 250;

/** Picks an org unit by typing part of its name: searches the server, never loads the whole tree. */
export function UnitSelect({
  value,
  onChange,
  initial,
  placeholder,
  allowClear,
  id,
  style,
}: UnitSelectProps) {
  const { t } = useTranslation();
  const [query, setQuery] = useState("");
  const [units, setUnits] = useState<OrgUnit[]>([]);
  const [loading, setLoading] = useState(false);
  const [chosen, setChosen] = useState<{ id: string; name: string } | undefined>(initial);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => {
    const controller = new AbortController();
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      setLoading(true);
      api
        .get<Page<OrgUnit>>("/api/org/units", { q: query.trim() || undefined, limit: 30 }, controller.signal)
        .then((page) => setUnits(page.items))
        .catch(() => setUnits([]))
        .finally(() => {
          if (!controller.signal.aborted) {
            setLoading(false);
          }
        });
    }, SEARCH_DELAY_MS);
    return () => {
      controller.abort();
      window.clearTimeout(timer.current);
    };
  }, [query]);

  const options = useMemo(() => {
    const list = units.map((u) => ({
      value: u.id,
      name: u.name,
      label: (
        <Space size={6}>
          <span>{u.name}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {unitTypeLabel(t, u.type)}
            {u.divisionCode ? ` · ${u.divisionCode}` : ""}
          </Typography.Text>
        </Space>
      ),
    }));
    if (chosen && !list.some((o) => o.value === chosen.id)) {
      list.unshift({ value: chosen.id, name: chosen.name, label: <span>{chosen.name}</span> });
    }
    return list;
  }, [units, chosen, t]);

  return (
    <Select<string, (typeof options)[number]>
      id={id}
      value={value}
      style={style}
      placeholder={placeholder}
      allowClear={allowClear}
      loading={loading}
      showSearch={{ filterOption: false, onSearch: setQuery }}
      options={options}
      optionLabelProp="name"
      notFoundContent={loading ? t("common.loading") : t("org.noResults")}
      onChange={(next, option) => {
        const picked = Array.isArray(option) ? undefined : option;
        setChosen(picked ? { id: picked.value, name: picked.name } : undefined);
        onChange?.(next);
      }}
    />
  );
}
