//! mib-rs's definitions in the compiled form's terms: kinds, access, status, base types and
//! ranges, and the type records (interned: one record per distinct type).

use crate::blob::{sec, Rec, Writer, NONE};
use crate::model::{Access, BaseType, Kind, Status, TF_TC};
use std::collections::HashMap;

pub(super) fn kind(k: mib_rs::Kind) -> Kind {
    use mib_rs::Kind as K;
    match k {
        K::Node => Kind::Node,
        K::Scalar => Kind::Scalar,
        K::Table => Kind::Table,
        K::Row => Kind::Row,
        K::Column => Kind::Column,
        K::Notification => Kind::Notification,
        K::Group => Kind::Group,
        K::Compliance => Kind::Compliance,
        K::Capability => Kind::Capability,
        K::ModuleIdentity => Kind::ModuleIdentity,
        K::ObjectIdentity => Kind::ObjectIdentity,
        _ => Kind::Unknown,
    }
}

pub(super) fn access(a: mib_rs::Access) -> Access {
    use mib_rs::Access as A;
    match a {
        A::NotAccessible => Access::NotAccessible,
        A::AccessibleForNotify => Access::AccessibleForNotify,
        A::ReadOnly => Access::ReadOnly,
        A::ReadWrite => Access::ReadWrite,
        A::ReadCreate => Access::ReadCreate,
        A::WriteOnly => Access::WriteOnly,
        _ => Access::None,
    }
}

pub(super) fn status(s: mib_rs::Status) -> Status {
    use mib_rs::Status as S;
    match s {
        S::Current => Status::Current,
        S::Deprecated => Status::Deprecated,
        S::Obsolete => Status::Obsolete,
        S::Mandatory => Status::Mandatory,
        S::Optional => Status::Optional,
    }
}

fn base(b: mib_rs::BaseType) -> BaseType {
    use mib_rs::BaseType as B;
    match b {
        B::Integer32 => BaseType::Integer32,
        B::Unsigned32 => BaseType::Unsigned32,
        B::Counter32 => BaseType::Counter32,
        B::Counter64 | B::Unsigned64 => BaseType::Counter64,
        B::Gauge32 => BaseType::Gauge32,
        B::TimeTicks => BaseType::TimeTicks,
        B::IpAddress => BaseType::IpAddress,
        B::OctetString => BaseType::OctetString,
        B::ObjectIdentifier => BaseType::ObjectIdentifier,
        B::Bits => BaseType::Bits,
        B::Opaque => BaseType::Opaque,
        B::Integer64 => BaseType::Integer32,
        _ => BaseType::Unknown,
    }
}

/// One of the SMI's own types (defined by SNMPv2-SMI or RFC1155-SMI, or built in).
fn is_smi(t: mib_rs::Type<'_>) -> bool {
    t.module()
        .is_none_or(|m| matches!(m.name(), "SNMPv2-SMI" | "RFC1155-SMI" | "RFC1065-SMI"))
}

fn bounds(list: &[mib_rs::mib::Range]) -> Vec<(i64, i64)> {
    list.iter()
        .map(|r| (bound(&r.min, false), bound(&r.max, true)))
        .collect()
}

fn bound(b: &mib_rs::mib::RangeBound, max: bool) -> i64 {
    use mib_rs::mib::RangeBound as R;
    match b {
        R::Signed(v) => *v,
        R::Unsigned(v) => i64::try_from(*v).unwrap_or(i64::MAX),
        R::Min => i64::MIN,
        R::Max => i64::MAX,
        R::Raw(_) if max => i64::MAX,
        R::Raw(_) => i64::MIN,
    }
}

/// What a type record holds, as a key for interning.
#[derive(Clone, PartialEq, Eq, Hash)]
struct TypeKey {
    name: String,
    module: u32,
    base: u8,
    flags: u8,
    hint: String,
    enums: Vec<(i64, String)>,
    sizes: Vec<(i64, i64)>,
    ranges: Vec<(i64, i64)>,
    descr: String,
    parent: u32,
}

pub(super) struct Compiler {
    pub(super) w: Writer,
    pub(super) modules: HashMap<mib_rs::raw::ModuleId, u32>,
    types: HashMap<mib_rs::raw::TypeId, u32>,
    interned: HashMap<TypeKey, u32>,
    /// The key of each type record, by record number.
    keys: Vec<TypeKey>,
}

impl Compiler {
    pub(super) fn new() -> Compiler {
        Compiler {
            w: Writer::default(),
            modules: HashMap::new(),
            types: HashMap::new(),
            interned: HashMap::new(),
            keys: Vec::new(),
        }
    }

    pub(super) fn module(&self, m: Option<mib_rs::Module<'_>>) -> u32 {
        m.and_then(|m| self.modules.get(&m.id()).copied())
            .unwrap_or(NONE)
    }

    fn intern(&mut self, key: TypeKey) -> u32 {
        if let Some(&i) = self.interned.get(&key) {
            return i;
        }
        let i = self.w.next(sec::TYPES);
        let enums_start = self.w.next(sec::ENUMS);
        for (v, l) in &key.enums {
            let l = self.w.string(l);
            let r = Rec::default().i64(*v).s(l);
            self.w.sections[sec::ENUMS].extend_from_slice(&r.0);
        }
        let bounds = |w: &mut Writer, list: &[(i64, i64)]| {
            let start = w.next(sec::RANGES);
            for (lo, hi) in list {
                let r = Rec::default().i64(*lo).i64(*hi);
                w.sections[sec::RANGES].extend_from_slice(&r.0);
            }
            start
        };
        let sizes_start = bounds(&mut self.w, &key.sizes);
        let ranges_start = bounds(&mut self.w, &key.ranges);
        let name = self.w.string(&key.name);
        let hint = self.w.string(&key.hint);
        let descr = self.w.string(&key.descr);
        let r = Rec::default()
            .s(name)
            .u32(key.module)
            .u8(key.base)
            .u8(key.flags)
            .u8(0)
            .u8(0)
            .s(hint)
            .u32(enums_start)
            .u32(key.enums.len() as u32)
            .u32(sizes_start)
            .u32(key.sizes.len() as u32)
            .u32(ranges_start)
            .u32(key.ranges.len() as u32)
            .s(descr)
            .u32(key.parent);
        self.w.sections[sec::TYPES].extend_from_slice(&r.0);
        self.keys.push(key.clone());
        self.interned.insert(key, i);
        i
    }

    /// What a type without constraints of its own inherits: its parent's, unless the parent
    /// is one of the SMI's own types.
    fn inherited(
        &self,
        parent: u32,
        t: mib_rs::Type<'_>,
        pick: impl Fn(&TypeKey) -> &Vec<(i64, i64)>,
    ) -> Vec<(i64, i64)> {
        match t.parent() {
            Some(p) if parent != NONE && !is_smi(p) => self
                .keys
                .get(parent as usize)
                .map(|k| pick(k).clone())
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    fn ty(&mut self, t: mib_rs::Type<'_>, depth: usize) -> u32 {
        if let Some(&i) = self.types.get(&t.id()) {
            return i;
        }
        let parent = match t.parent() {
            Some(p) if depth < 16 => self.ty(p, depth.saturating_add(1)),
            _ => NONE,
        };
        let b = base(t.effective_base());
        let enums = if b == BaseType::Bits {
            t.effective_bits()
        } else {
            t.effective_enums()
        };
        let key = TypeKey {
            name: t.name().to_owned(),
            module: self.module(t.module()),
            base: b.to_u8(),
            flags: if t.is_textual_convention() { TF_TC } else { 0 },
            hint: t.effective_display_hint().to_owned(),
            enums: enums.iter().map(|e| (e.value, e.label.clone())).collect(),
            // Constraints as written: the type's own, else what it inherits from a textual
            // convention; the SMI's own types (Counter32's 0..4294967295) are no constraint
            // anyone wrote, as Net-SNMP sees it.
            sizes: match bounds(t.sizes()) {
                _ if is_smi(t) && t.effective_base() != mib_rs::BaseType::IpAddress => Vec::new(),
                own if !own.is_empty() => own,
                _ => self.inherited(parent, t, |k| &k.sizes),
            },
            ranges: match bounds(t.ranges()) {
                _ if is_smi(t) => Vec::new(),
                own if !own.is_empty() => own,
                _ => self.inherited(parent, t, |k| &k.ranges),
            },
            descr: t.description().to_owned(),
            parent,
        };
        let i = self.intern(key);
        self.types.insert(t.id(), i);
        i
    }

    /// The object's effective syntax: its type, or an anonymous refinement when the
    /// object's own clauses (an inline enumeration, a SIZE) differ from the type's.
    pub(super) fn object_type(&mut self, o: mib_rs::Object<'_>) -> u32 {
        let Some(t) = o.ty() else { return NONE };
        let ti = self.ty(t, 0);
        let b = base(t.effective_base());
        let enums = if b == BaseType::Bits {
            o.effective_bits()
        } else {
            o.effective_enums()
        };
        let enums: Vec<(i64, String)> = enums.iter().map(|e| (e.value, e.label.clone())).collect();
        // `ty` gave a type it recorded: its key is there.
        let Some(key) = self.keys.get(ti as usize) else {
            return ti;
        };
        let sizes = match bounds(o.declared_sizes()) {
            own if !own.is_empty() => own,
            _ => key.sizes.clone(),
        };
        let ranges = match bounds(o.declared_ranges()) {
            own if !own.is_empty() => own,
            _ => key.ranges.clone(),
        };
        let hint = o.effective_display_hint().to_owned();
        let same =
            key.enums == enums && key.sizes == sizes && key.ranges == ranges && key.hint == hint;
        if same {
            return ti;
        }
        self.intern(TypeKey {
            name: String::new(),
            module: NONE,
            base: b.to_u8(),
            flags: 0,
            hint,
            enums,
            sizes,
            ranges,
            descr: String::new(),
            parent: ti,
        })
    }
}
