//! Tables with names: rows with typed indexes and columns addressable by name.

use std::collections::BTreeMap;
use std::sync::Arc;

use snmp_codec::{Oid, Value};
use snmp_mib::{IndexError, IndexValue, Kind, Mib};

use crate::error::Error;
use snmp_session::TableRow;

/// A table fetched with its MIB (a Manager's `table`): iterate it for its rows.
///
/// ```no_run
/// # fn f(table: &snmp_manager::Table) -> Result<(), snmp_manager::Error> {
/// // let table = m.table("IF-MIB::ifTable").await?;
/// for row in table {
///     let octets: u64 = row.get_as("ifInOctets")?;
///     let descr: String = row.get_as("ifDescr")?;
///     println!("{descr}: {octets}");
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The entry (row) OID.
    pub entry: Oid,
    /// The table's name (`ifTable`; the entry's when the MIB has no table above it), empty
    /// when no MIB names it.
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
    /// A cell by column name (`"ifDescr"`) or number as text (`"2"`); `None` for a cell the
    /// agent did not give and for a name the table does not have ([`Row::try_get`] tells
    /// them apart).
    pub fn get(&self, column: &str) -> Option<&Value> {
        self.try_get(column).ok().flatten()
    }

    /// A cell by column name or number as text: `Ok(None)` for a column of the table the
    /// agent gave no value for, [`Error::NoSuchColumn`] (with close names) for a name the
    /// table does not have.
    pub fn try_get(&self, column: &str) -> Result<Option<&Value>, Error> {
        let n = match column.parse::<u32>() {
            Ok(n) => n,
            Err(_) => match self.columns.iter().find(|(_, c)| c == column) {
                Some((n, _)) => *n,
                None => {
                    let mut close: Vec<(usize, &String)> = self
                        .columns
                        .iter()
                        .map(|(_, c)| (strsim(c, column), c))
                        .filter(|(d, _)| *d <= 3)
                        .collect();
                    close.sort();
                    return Err(Error::NoSuchColumn {
                        name: column.to_owned(),
                        suggestions: close.into_iter().take(3).map(|(_, c)| c.clone()).collect(),
                    });
                }
            },
        };
        Ok(self.cells.get(&n))
    }

    /// A cell converted to `T` (`u64`, `i64`, `String`, `Vec<u8>`, `Oid`, `Ipv4Addr`, ...):
    /// an error for a name the table does not have, a cell the agent did not give (its
    /// noSuchInstance), or a value of another type.
    ///
    /// ```no_run
    /// # fn f(row: &snmp_manager::Row) -> Result<(), snmp_manager::Error> {
    /// let in_octets: u64 = row.get_as("ifInOctets")?;
    /// let descr: String = row.get_as("ifDescr")?;
    /// # Ok(()) }
    /// ```
    pub fn get_as<T>(&self, column: &str) -> Result<T, Error>
    where
        T: TryFrom<Value, Error = snmp_codec::WrongType>,
    {
        match self.try_get(column)? {
            Some(v) => Ok(T::try_from(v.clone())?),
            None => Err(Error::NoSuchColumn {
                name: format!("{column} (no value in this row)"),
                suggestions: Vec::new(),
            }),
        }
    }

    /// The index decoded per the INDEX clause, when it decoded: `row.index_values()[0]`.
    pub fn index_values(&self) -> &[IndexValue] {
        &self.index_values
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

/// Edit distance, for close column names.
fn strsim(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

impl<'a> IntoIterator for &'a Table {
    type Item = &'a Row;
    type IntoIter = std::slice::Iter<'a, Row>;

    fn into_iter(self) -> Self::IntoIter {
        self.rows.iter()
    }
}

impl IntoIterator for Table {
    type Item = Row;
    type IntoIter = std::vec::IntoIter<Row>;

    fn into_iter(self) -> Self::IntoIter {
        self.rows.into_iter()
    }
}

impl Table {
    /// The rows, in index order.
    pub fn iter(&self) -> std::slice::Iter<'_, Row> {
        self.rows.iter()
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether it has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

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
        // The table's name (`ifTable`), else the entry's.
        let name = node
            .map(|n| match n.parent().filter(|p| p.kind() == Kind::Table) {
                Some(table) => table.name().to_owned(),
                None => n.name().to_owned(),
            })
            .unwrap_or_default();
        Table {
            entry: entry.clone(),
            name,
            rows,
            columns,
        }
    }

    /// A table operation's outcome named and decoded with `mib`: the table, or the error
    /// with the rows received before it.
    pub fn decode_result(mib: &Mib, entry: &Oid, raw: RawRows) -> Result<Table, TableError> {
        match raw {
            Ok(rows) => Ok(Table::decode(mib, entry, rows)),
            Err((error, rows)) => Err(TableError {
                error,
                rows: Table::decode(mib, entry, rows).rows,
            }),
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

/// The error that ended a table fetch, with the rows received before it (named and
/// decoded as the table's: one row type for every table call). `?` makes it its
/// [`Error`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{error} (after {} rows)", rows.len())]
pub struct TableError {
    /// What went wrong.
    pub error: Error,
    /// The rows received before.
    pub rows: Vec<Row>,
}

/// What a table operation gave before its rows are named: the rows, or the error with the
/// rows received before it (what a face's `run_table` returns; [`Table::decode_result`]
/// names them).
pub type RawRows = Result<Vec<TableRow>, (Error, Vec<TableRow>)>;

impl From<TableError> for Error {
    /// The error that ended a table fetch (its rows are dropped: match on [`TableError`] to
    /// keep them).
    fn from(e: TableError) -> Self {
        e.error
    }
}
