#!/usr/bin/env bash
# SQL lives in repositories (STYLE: no SQL outside repositories): a query builder or a raw `sql`
# template outside a module's repository (a file named repository.ts or under repository/) fails CI.
# server/src/db (the database layer itself) and tests are exempt.
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(|\bsql`|\bsql<'
bad=$(grep -rlE "$pattern" server/src --include='*.ts' \
  | grep -vE '(^server/src/db/|/repository\.ts$|/repository/|\.test\.ts$|/testdata/)' || true)
if [ -n "$bad" ]; then
  echo "SQL outside repositories (move it into the module's repository.ts):" >&2
  for f in $bad; do
    grep -nE "$pattern" "$f" | sed "s#^#  $f:#" >&2
  done
  exit 1
fi
