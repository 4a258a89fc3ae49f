//! The nodes section: one record per node, with its index and member lists.

use std::collections::HashMap;

use super::node_of_in;
use super::types::{access, kind, status, Compiler};
use crate::blob::{sec, Rec, StrRef, NONE};
use crate::model::{Access, Kind, Status};

/// One node's record, as the nodes section lays it out (a node no module defines, such as
/// the roots Net-SNMP always has, keeps what `new` gives: no module, type, text or lists).
pub(super) struct NodeRecord {
    oid_start: u32,
    arcs: u32,
    name: StrRef,
    module: u32,
    kind: Kind,
    access: Access,
    status: Status,
    ty: u32,
    units: StrRef,
    descr: StrRef,
    idx_start: u32,
    idx_len: u32,
    augments: u32,
    members_start: u32,
    members_len: u32,
    reference: StrRef,
    defval: StrRef,
    parent: u32,
}

impl NodeRecord {
    /// A node at the arcs written at `oid_start` (`arcs` of them), named `name`, under
    /// `parent`: nothing defined yet.
    pub(super) fn new(oid_start: u32, arcs: u32, name: StrRef, parent: u32) -> Self {
        NodeRecord {
            oid_start,
            arcs,
            name,
            module: NONE,
            kind: Kind::Node,
            access: Access::None,
            status: Status::None,
            ty: NONE,
            units: StrRef::default(),
            descr: StrRef::default(),
            idx_start: 0,
            idx_len: 0,
            augments: NONE,
            members_start: 0,
            members_len: 0,
            reference: StrRef::default(),
            defval: StrRef::default(),
            parent,
        }
    }

    /// The record's bytes.
    pub(super) fn rec(&self) -> Rec {
        Rec::default()
            .u32(self.oid_start)
            .u32(self.arcs)
            .s(self.name)
            .u32(self.module)
            .u8(self.kind.to_u8())
            .u8(self.access.to_u8())
            .u8(self.status.to_u8())
            .u8(0)
            .u32(self.ty)
            .s(self.units)
            .s(self.descr)
            .u32(self.idx_start)
            .u32(self.idx_len)
            .u32(self.augments)
            .u32(self.members_start)
            .u32(self.members_len)
            .s(self.reference)
            .s(self.defval)
            .u32(self.parent)
            .u32(0)
    }

    /// Fills in what the definition of `n` says: its module (`owned_by` where several
    /// modules define it), kind, access, type, texts (`own`: an OBJECT-IDENTITY's
    /// description), INDEX and AUGMENTS of a row, and the members of a notification or
    /// group (their lists written to their sections as it goes).
    pub(super) fn definition(
        &mut self,
        c: &mut Compiler,
        index: &HashMap<mib_rs::raw::NodeId, u32>,
        n: mib_rs::Node<'_>,
        owned_by: Option<u32>,
        own: &str,
    ) {
        let node_of = |n: Option<mib_rs::Node<'_>>| node_of_in(index, n);
        self.module = owned_by.unwrap_or_else(|| c.module(n.module()));
        self.kind = kind(n.kind());
        let obj = n.object();
        let (units, defval) = match obj {
            Some(o) => {
                self.access = access(o.access());
                self.ty = c.object_type(o);
                let defval = o.default_value().map(|d| d.raw().to_owned());
                (o.units().to_owned(), defval.unwrap_or_default())
            }
            None => (String::new(), String::new()),
        };
        // STATUS, DESCRIPTION and REFERENCE live on the definition (object, notification,
        // group, ...), the node's own only for OBJECT-IDENTITY and MODULE-IDENTITY.
        let (e_status, e_descr, e_ref): (Option<mib_rs::Status>, &str, &str) = if let Some(o) = obj
        {
            (Some(o.status()), o.description(), o.reference())
        } else if let Some(x) = n.notification() {
            (Some(x.status()), x.description(), x.reference())
        } else if let Some(x) = n.group() {
            (Some(x.status()), x.description(), x.reference())
        } else if let Some(x) = n.compliance() {
            (Some(x.status()), x.description(), x.reference())
        } else if let Some(x) = n.capability() {
            (Some(x.status()), x.description(), x.reference())
        } else {
            (None, "", "")
        };
        self.status = e_status.or(n.status()).map(status).unwrap_or(Status::None);
        self.units = c.w.string(&units);
        self.descr = c.w.string(match (e_descr, n.description(), own) {
            ("", "", own) => own,
            ("", d, _) => d,
            (d, _, _) => d,
        });
        self.reference = c.w.string(if e_ref.is_empty() {
            n.reference()
        } else {
            e_ref
        });
        self.defval = c.w.string(&defval);
        self.idx_start = c.w.next(sec::INDEXES);
        if let Some(o) = obj.filter(|o| o.is_row()) {
            for ix in o.index() {
                if let Some(t) = ix
                    .object()
                    .and_then(|io| io.node())
                    .map(|n| node_of(Some(n)))
                {
                    let r = Rec::default().u32(t).u32(ix.implied() as u32);
                    c.w.sections[sec::INDEXES].extend_from_slice(&r.0);
                    self.idx_len = self.idx_len.saturating_add(1);
                }
            }
            self.augments = o
                .augments()
                .and_then(|a| a.node())
                .map(|a| node_of(Some(a)))
                .unwrap_or(NONE);
        }
        self.members_start = c.w.next(sec::MEMBERS);
        let members: Vec<u32> = if let Some(nt) = n.notification() {
            nt.objects()
                .filter_map(|o| o.node())
                .map(|m| node_of(Some(m)))
                .collect()
        } else if let Some(g) = n.group() {
            g.members().map(|m| node_of(Some(m))).collect()
        } else {
            Vec::new()
        };
        for m in &members {
            c.w.sections[sec::MEMBERS].extend_from_slice(&m.to_le_bytes());
        }
        self.members_len = members.len() as u32;
    }
}
