//! `snmp table`: snmptable's layout, with names and formatted values.

use snmp_mib::{Access, Kind};
use snmp_tokio::Oid;

use crate::failure::Failure;
use crate::names::{Names, Out};
use crate::netsnmp::Tool;
use crate::options::{Agent, WalkFlags};

/// snmptable's `-C` letters that shape the output.
#[derive(Default)]
struct Layout {
    brief: bool,
    index: bool,
    left: bool,
    no_headers: bool,
    separator: Option<String>,
    width: Option<usize>,
    /// -Ch: only the column headers (snmptable then says the table has no entries, as it
    /// fetched none).
    headers_only: bool,
    /// -Cc N: every column N characters wide, values cut to fit.
    column_width: Option<usize>,
}

impl Layout {
    fn parse(app: &[String]) -> Result<Layout, Failure> {
        let mut l = Layout::default();
        for a in app {
            let mut chars = a.chars();
            while let Some(c) = chars.next() {
                match c {
                    'b' => l.brief = true,
                    'i' => l.index = true,
                    'l' => l.left = true,
                    'H' => l.no_headers = true,
                    'h' => l.headers_only = true,
                    'c' => {
                        let n = chars.as_str();
                        l.column_width = Some(
                            n.parse::<usize>()
                                .map_err(|_| Failure::Usage(format!("-Cc: not a width: {n}")))?,
                        );
                        break;
                    }
                    'f' => {
                        l.separator = Some(chars.as_str().to_owned());
                        break;
                    }
                    'w' => {
                        let n = chars.as_str();
                        l.width = Some(
                            n.parse()
                                .map_err(|_| Failure::Usage(format!("-Cw: not a width: {n}")))?,
                        );
                        break;
                    }
                    // Request shaping, read elsewhere: -Cr N, -Cc (no OID check), -CB.
                    'r' | 'n' => break,
                    // -CB (GETNEXT only) changes the requests, not the output.
                    'B' => {}
                    other => {
                        return Err(Failure::Usage(format!(
                            "{other}: unknown table option (-C b i l H f w r c B)"
                        )))
                    }
                }
            }
        }
        Ok(l)
    }
}

/// The arguments of `table`.
#[derive(clap::Args)]
pub(crate) struct TableArgs {
    #[command(flatten)]
    pub(crate) agent: Agent,
    #[command(flatten)]
    pub(crate) walk: WalkFlags,
    /// The table (`IF-MIB::ifTable`, or its OID), as snmptable takes it.
    #[arg(value_name = "TABLE-OID")]
    pub(crate) table: String,
    /// Only these column numbers (all readable columns when none).
    #[arg(value_name = "COLUMN")]
    pub(crate) columns: Vec<u32>,
}

/// Fetches and prints a table as snmptable does: `SNMP table: NAME`, a header of column
/// names, one line per row, `?` for a missing cell, values as `-Oq` prints them.
pub(crate) async fn run(args: TableArgs) -> Result<(), Failure> {
    let TableArgs {
        agent,
        walk: flags,
        table,
        columns,
    } = args;
    let (agent, table, columns, flags) = (&agent, table.as_str(), &columns[..], &flags);
    agent.check_app(Tool::Table)?;
    let layout = Layout::parse(&agent.app)?;
    let names = agent.names.load()?;
    let oid = names.resolve(table)?;
    // As snmptable: the table itself, nothing else (an entry or a column is refused).
    let not_a_table = || {
        eprintln!("Was that a table? {}", names.oid(&oid));
        Failure::Exit(1)
    };
    let node = names.mib.node_by_oid(oid.arcs()).ok_or_else(not_a_table)?;
    let entry = match node.kind() {
        Kind::Table => node.row().ok_or_else(not_a_table)?,
        _ => return Err(not_a_table()),
    };
    let table_oid = oid.clone();
    // The readable columns, in order (or those asked for).
    let cols: Vec<(u32, String)> = entry
        .children()
        .filter(|c| c.kind() == Kind::Column)
        .filter(|c| {
            !matches!(
                c.access(),
                Access::NotAccessible | Access::AccessibleForNotify
            )
        })
        .filter(|c| columns.is_empty() || columns.contains(&c.arc()))
        .map(|c| (c.arc(), c.name().to_owned()))
        .collect();
    let numbers: Vec<u32> = cols.iter().map(|(n, _)| *n).collect();
    if layout.headers_only {
        // As snmptable -Ch: the header line alone, nothing fetched.
        let mut out = Out::new();
        let mut h = headers(&cols, &layout);
        if layout.index {
            h.insert(0, "index".to_owned());
        }
        let line = match &layout.separator {
            Some(sep) => h.join(sep),
            None => h.iter().map(|c| format!(" {c}")).collect(),
        };
        out.line(&line);
        out.line(&format!("{}: No entries", names.oid(&table_oid)));
        out.flush();
        return Ok(());
    }
    let m = agent.manager(Tool::Table).await?;
    let options = snmp_tokio::WalkOptions::default()
        .with_repetitions(flags.repetitions())
        .with_parallel(flags.parallel);
    let (rows, error) = match m
        .get_table_with_options(
            entry.oid(),
            Some(&numbers),
            agent.app_number('r').unwrap_or(25),
            options,
        )
        .await
    {
        Ok(table) => (table.rows, None),
        Err(e) => (e.rows, Some(e.error)),
    };
    let mut out = Out::new();
    if rows.is_empty() && error.is_some() {
        // Nothing came: the error alone, as snmptable.
        return Err(error.map(Failure::from).unwrap_or(Failure::Exit(1)));
    }
    print(
        &mut out,
        &names,
        &table_oid,
        &entry.oid(),
        &cols,
        &rows,
        &layout,
    );
    out.flush();
    match error {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

/// The column names, their common prefix cut with -Cb.
fn headers(cols: &[(u32, String)], layout: &Layout) -> Vec<String> {
    let mut headers: Vec<String> = cols.iter().map(|(_, n)| n.clone()).collect();
    if layout.brief && headers.len() > 1 {
        let first = headers[0].clone();
        let common = headers.iter().skip(1).fold(first.len(), |acc, h| {
            first
                .bytes()
                .zip(h.bytes())
                .take(acc)
                .take_while(|(a, b)| a == b)
                .count()
        });
        headers = headers.iter().map(|h| h[common..].to_owned()).collect();
    }
    headers
}

fn print(
    out: &mut Out,
    names: &Names,
    table: &Oid,
    entry: &Oid,
    cols: &[(u32, String)],
    rows: &[snmp_tokio::Row],
    layout: &Layout,
) {
    let title = names.oid(table);
    if rows.is_empty() {
        out.line(&format!("{title}: No entries"));
        return;
    }
    let mut quick = names.fmt.clone();
    quick.quick = true;
    let mut headers = headers(cols, layout);
    let mut grid: Vec<Vec<String>> = Vec::with_capacity(rows.len());
    for r in rows {
        let mut line = Vec::with_capacity(cols.len() + 1);
        if layout.index {
            // The index as the OID's name writes it, after the column.
            let first = cols.first().map(|(n, _)| *n).unwrap_or(1);
            let mut arcs = entry.arcs().to_vec();
            arcs.push(first);
            arcs.extend_from_slice(r.index.arcs());
            // snmptable prints in quick mode, names too (`[STRING: x]` loses its type).
            let full = quick.oid(&names.mib, &Oid::from_arcs(&arcs));
            let label = quick.oid(&names.mib, &Oid::from_arcs(&arcs[..entry.len() + 1]));
            let idx = full
                .strip_prefix(&label)
                .map(|s| s.strip_prefix('.').unwrap_or(s))
                .unwrap_or(&full);
            line.push(idx.to_owned());
        }
        for (n, _) in cols {
            let mut arcs = entry.arcs().to_vec();
            arcs.push(*n);
            arcs.extend_from_slice(r.index.arcs());
            line.push(match r.cells.get(n) {
                Some(v) => quick.value(&names.mib, &Oid::from_arcs(&arcs), v),
                None => "?".to_owned(),
            });
        }
        grid.push(line);
    }
    if layout.index {
        headers.insert(0, "index".to_owned());
    }
    if let Some(sep) = &layout.separator {
        if !layout.no_headers {
            out.line(&format!("SNMP table: {title}"));
            out.line("");
            out.line(&headers.join(sep));
        }
        for line in &grid {
            if !out.line(&line.join(sep)) {
                return;
            }
        }
        return;
    }
    if let Some(n) = layout.column_width {
        // -Cc N: fixed columns of N - 1 characters and a space.
        let w = n.saturating_sub(1);
        for line in &mut grid {
            for cell in line.iter_mut() {
                *cell = cell.chars().take(w).collect();
            }
        }
        for h in &mut headers {
            *h = h.chars().take(w).collect();
        }
    }
    let widths: Vec<usize> = (0..headers.len())
        .map(|c| {
            if let Some(n) = layout.column_width {
                return n.saturating_sub(1);
            }
            if c < usize::from(layout.index) {
                // snmptable starts the index width at sizeof("index"), 6.
                return grid
                    .iter()
                    .map(|l| l[c].chars().count())
                    .max()
                    .unwrap_or(0)
                    .max(6);
            }
            grid.iter()
                .map(|l| l[c].chars().count())
                // Headers count even when -CH leaves them out, as in snmptable.
                .chain(std::iter::once(headers[c].chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    // Parts of at most -Cw characters (the index column in each).
    let fixed = usize::from(layout.index);
    let mut parts: Vec<Vec<usize>> = Vec::new();
    let mut cur: Vec<usize> = (0..fixed).collect();
    // The index column has no leading space; the others count theirs.
    let index_width: usize = (0..fixed).map(|c| widths[c]).sum();
    let mut used = index_width;
    for (c, width) in widths.iter().enumerate().skip(fixed) {
        let w = width + 1;
        if let Some(max) = layout.width {
            if cur.len() > fixed && used + w > max {
                parts.push(std::mem::replace(&mut cur, (0..fixed).collect()));
                used = index_width;
            }
        }
        cur.push(c);
        used += w;
    }
    parts.push(cur);
    // The index column has no space before it; the others one each.
    let cell = |s: &str, w: usize, c: usize| {
        if layout.left && c < fixed {
            format!("{s:<w$}")
        } else if layout.left {
            format!("{s:<w$} ")
        } else if c < fixed {
            format!("{s:>w$}")
        } else {
            format!(" {s:>w$}")
        }
    };
    for (p, part) in parts.iter().enumerate() {
        if !layout.no_headers {
            if p == 0 {
                out.line(&format!("SNMP table: {title}"));
            } else {
                out.line("");
                out.line(&format!("SNMP table {title}, part {}", p + 1));
            }
            out.line("");
            let h: String = part
                .iter()
                .map(|&c| cell(&headers[c], widths[c], c))
                .collect();
            out.line(&h);
        }
        for line in &grid {
            let l: String = part.iter().map(|&c| cell(&line[c], widths[c], c)).collect();
            if !out.line(&l) {
                return;
            }
        }
    }
}
