//! Tables with names: rows with typed indexes and columns addressable by name.

use std::collections::BTreeMap;
use std::sync::Arc;

use snmp_codec::{Oid, Value};
use snmp_mib::{IndexError, IndexValue, Kind, Mib};

use crate::error::Error;
use snmp_session::TableRow;

/// A table fetched with its MIB (a Manager's `table`).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The entry (row) OID.
    pub entry: Oid,
    /// The entry's name (`ifEntry`), empty when no MIB names it.
    pub name: String,
    /// The rows, in index order.
    pub rows: Vec<Row>,
    columns: Arc<Vec<(u32, String)>>,
}

/// One row: its index as typed values and its cells, by column number or name.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The index arcs (after the column in each cell's OID).
    pub index: Oid,
    /// The index decoded per the INDEX clause (AUGMENTS followed); empty when it does not
    /// decode, with the reason in [`Row::index_error`].
    pub index_values: Vec<IndexValue>,
    /// Why the index did not decode (an agent's malformed index); the row is kept.
    pub index_error: Option<IndexError>,
    /// The cells: column number to value.
    pub cells: BTreeMap<u32, Value>,
    columns: Arc<Vec<(u32, String)>>,
}

impl Row {
    /// A cell by column name (`"ifDescr"`) or number as text (`"2"`).
    pub fn get(&self, column: &str) -> Option<&Value> {
        let n = match column.parse::<u32>() {
            Ok(n) => n,
            Err(_) => self.columns.iter().find(|(_, c)| c == column)?.0,
        };
        self.cells.get(&n)
    }

    /// A cell by column number.
    pub fn column(&self, n: u32) -> Option<&Value> {
        self.cells.get(&n)
    }

    /// The cells with their column names (the number as text where no MIB names it).
    pub fn named(&self) -> impl Iterator<Item = (String, &Value)> + '_ {
        self.cells.iter().map(|(n, v)| {
            let name = self
                .columns
                .iter()
                .find(|(c, _)| c == n)
                .map(|(_, name)| name.clone())
                .unwrap_or_else(|| n.to_string());
            (name, v)
        })
    }
}

impl Table {
    /// Rows fetched without names (`Manager::get_table`), decoded with `mib`.
    pub fn decode(mib: &Mib, entry: &Oid, rows: Vec<TableRow>) -> Table {
        let node = mib.node_by_oid(entry.arcs());
        let columns: Vec<(u32, String)> = node
            .map(|n| {
                n.children()
                    .filter(|c| c.kind() == Kind::Column)
                    .map(|c| (c.arc(), c.name().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let columns = Arc::new(columns);
        let rows = rows
            .into_iter()
            .map(|r| {
                let (index_values, index_error) = match node {
                    Some(n) => match mib.decode_index(n, r.index.arcs()) {
                        Ok(v) => (v, None),
                        Err(e) => (Vec::new(), Some(e)),
                    },
                    None => (Vec::new(), None),
                };
                Row {
                    index: r.index,
                    index_values,
                    index_error,
                    cells: r.columns,
                    columns: columns.clone(),
                }
            })
            .collect();
        Table {
            entry: entry.clone(),
            name: node.map(|n| n.name().to_owned()).unwrap_or_default(),
            rows,
            columns,
        }
    }

    /// The entry's columns from the MIB: (number, name), in order.
    pub fn columns(&self) -> &[(u32, String)] {
        &self.columns
    }

    /// The entry OID of a table, row or column's node (`ifTable`, `ifEntry` and `ifDescr`
    /// all give ifEntry); `oid` itself when the MIB does not know it. What to fetch for
    /// [`Table::decode`].
    ///
    /// ```
    /// use snmp_manager::{Mib, Table};
    /// let mib = Mib::standard();
    /// let table = mib.resolve("IF-MIB::ifTable").unwrap();
    /// assert_eq!(Table::entry_of(&mib, &table).to_string(), "1.3.6.1.2.1.2.2.1");
    /// ```
    pub fn entry_of(mib: &Mib, oid: &Oid) -> Oid {
        match mib.node_by_oid(oid.arcs()).and_then(|n| n.row()) {
            Some(row) => row.oid(),
            None => oid.clone(),
        }
    }
}

/// A table's rows, or the error that ended the fetch with the rows received before it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{error} (after {} rows)", rows.len())]
pub struct TableError {
    /// What went wrong.
    pub error: Error,
    /// The rows received before.
    pub rows: Vec<TableRow>,
}
