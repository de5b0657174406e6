import Engine
import Foundation

/// Which insert an address names.
public enum InsertUnit: Sendable, Equatable {
    /// A band of the EQ, or the whole EQ (nil: only `on`).
    case eq(EqualizerDesign.Band?)
    case comp
    case gate
    /// Buses only.
    case reverb
    case delay
}

/// Strip inserts: EQ, compressor, gate, their order, and strip presets.
///
/// A change validates against the model, writes it, and sends only the parameters of
/// the node it touched (designed here, on the control side). A time-tagged change is
/// applied to the model at once and reaches the node on its sample.
extension Session {
    @discardableResult
    public func setInsert(_ ref: StripRef, _ unit: InsertUnit, _ name: String, _ value: InsertValue, at time: UInt64 = 0) throws -> InsertValue {
        try locked {
            var s = try patch.strip(ref)
            if unit == .reverb || unit == .delay {
                guard case .bus = ref else { throw ControlError("only buses have a reverb and a delay") }
            }
            try Self.write(&s, unit, name, value)
            if (unit == .reverb || unit == .delay), let n = graph[ref], n.node(unit == .reverb ? .reverb : .delay) == nil {
                // First use: make the node at these settings and schedule it.
                try patch.setStrip(s, ref)
                makeTimeEffects(n, s, force: unit)
                n.sentInserts.reverb = s.reverb
                n.sentInserts.delay = s.delay
                for insert in [InsertKind.reverb, .delay] where StripNodes.isOn(insert, s) { n.engaged.insert(insert) }
                pushGraph()
                return try Self.read(s, unit, name)
            }
            if unit == .comp && name == "sidechain" {
                if let key = s.comp.sidechain {
                    guard patch.tracks.contains(where: { $0.id == key }) || patch.buses.contains(where: { $0.id == key }) else {
                        throw ControlError("sidechain must be a track or bus id, or 0 for none: there is no strip \(key)")
                    }
                    if case .track(let id) = ref, id == key { throw ControlError("a compressor cannot key itself") }
                    if case .bus(let id) = ref, id == key { throw ControlError("a compressor cannot key itself") }
                }
                var candidate = patch
                try candidate.setStrip(s, ref)
                try validateGraph(candidate)
                patch = candidate
                pushGraph()
                return try Self.read(s, unit, name)
            }
            try patch.setStrip(s, ref)
            pushInserts(ref, at: time)
            return try Self.read(s, unit, name)
        }
    }

    public func insert(_ ref: StripRef, _ unit: InsertUnit, _ name: String) throws -> InsertValue {
        try locked { try Self.read(try patch.strip(ref), unit, name) }
    }

    static func write(_ s: inout StripSettings, _ unit: InsertUnit, _ name: String, _ value: InsertValue) throws {
        switch unit {
        case .eq(let band?): try InsertTable.setEQ(&s.eq, band: band, name, value)
        case .eq(nil):
            guard name == "on" else { throw ControlError("the EQ as a whole has only \"on\"; bands: \(bandNames)") }
            s.eq.on = try InsertTable.flag(value, "eq on")
        case .comp: try InsertTable.comp.set(&s.comp, name, value)
        case .gate: try InsertTable.gate.set(&s.gate, name, value)
        case .reverb: try InsertTable.reverb.set(&s.reverb, name, value)
        case .delay: try InsertTable.delay.set(&s.delay, name, value)
        }
    }

    static func read(_ s: StripSettings, _ unit: InsertUnit, _ name: String) throws -> InsertValue {
        switch unit {
        case .eq(let band?): return try InsertTable.getEQ(s.eq, band: band, name)
        case .eq(nil):
            guard name == "on" else { throw ControlError("the EQ as a whole has only \"on\"; bands: \(bandNames)") }
            return .number(s.eq.on ? 1 : 0)
        case .comp: return try InsertTable.comp.get(s.comp, name)
        case .gate: return try InsertTable.gate.get(s.gate, name)
        case .reverb: return try InsertTable.reverb.get(s.reverb, name)
        case .delay: return try InsertTable.delay.get(s.delay, name)
        }
    }

    static var bandNames: String { EqualizerDesign.Band.allCases.map(\.rawValue).joined(separator: ", ") }

    /// Set the order of a strip's inserts: each of gate, eq, comp once (and on a bus
    /// delay and reverb too).
    public func setInserts(_ ref: StripRef, _ order: [String]) throws -> [InsertKind] {
        var onBus = false
        if case .bus = ref { onBus = true }
        let available = InsertKind.available(onBus: onBus)
        let names = available.map(\.rawValue).joined(separator: ", ")
        let kinds = try order.map { name in
            guard let k = InsertKind(rawValue: name), available.contains(k) else {
                throw ControlError("unknown insert \"\(name)\" (this strip's inserts: \(names))")
            }
            return k
        }
        guard Set(kinds) == Set(available), kinds.count == available.count else {
            throw ControlError("the insert order names each of \(names) once")
        }
        return try locked {
            var s = try patch.strip(ref)
            s.inserts = kinds
            try patch.setStrip(s, ref)
            pushGraph()
            return kinds
        }
    }

    public func inserts(_ ref: StripRef) throws -> [InsertKind] {
        try locked { try patch.strip(ref).inserts }
    }

    /// Send the insert parameters of `ref` that differ from what its nodes hold.
    func pushInserts(_ ref: StripRef, at time: UInt64 = 0) {
        guard let n = graph[ref], let s = try? patch.strip(ref) else { return }
        let fs = engine.config.sampleRate
        let old = n.sentInserts
        engage(n, s, at: time)
        for band in EqualizerDesign.Band.allCases where old.eq.band(band) != s.eq.band(band) || old.eq.on != s.eq.on {
            let setting = EqualizerDesign.setting(band, s.eq.band(band), sampleRate: fs, eqOn: s.eq.on)
            set(n.eq, band.index, setting.parameter, at: time)
        }
        for (index, value) in CompressorProcessor.changes(from: old.comp, to: s.comp, sampleRate: fs) { set(n.comp, index, value, at: time) }
        for (index, value) in GateProcessor.changes(from: old.gate, to: s.gate, sampleRate: fs) { set(n.gate, index, value, at: time) }
        if let reverb = n.reverb {
            for (index, value) in ReverbProcessor.changes(from: old.reverb, to: s.reverb, sampleRate: fs) { set(reverb, index, value, at: time) }
        }
        if let delay = n.delay {
            for (index, value) in DelayProcessor.changes(from: old.delay, to: s.delay, sampleRate: fs) { set(delay, index, value, at: time) }
        }
        n.sentInserts = s
    }

    /// Put inserts switched on into the plan before their parameters are sent (the plan
    /// and the parameters share the command ring, so they arrive in that order); note
    /// when inserts switched off will have faded, and prune them after.
    func engage(_ n: StripNodes, _ s: StripSettings, at time: UInt64) {
        var grew = false
        for insert in InsertKind.allCases {
            let on = StripNodes.isOn(insert, s)
            if on {
                n.offSince[insert] = nil
                if n.engaged.insert(insert).inserted { grew = true }
            } else if StripNodes.isOn(insert, n.sentInserts) || (n.engaged.contains(insert) && n.offSince[insert] == nil) {
                // Off from `time` (a later sample, if time-tagged) or now.
                let clock = engine.published.clock.load(ordering: .relaxed)
                let ahead = time > clock ? Double(time - clock) / engine.config.sampleRate : 0
                n.offSince[insert] = DispatchTime.now().uptimeNanoseconds + UInt64(ahead * 1e9)
            }
        }
        if grew { pushGraph() }
        if !n.offSince.isEmpty { schedulePrune() }
    }

    /// Take inserts that have been off longer than their fade out of the plan.
    func pruneInserts() {
        locked {
            let now = DispatchTime.now().uptimeNanoseconds, settle = UInt64(4 * engine.config.rampSeconds * 1e9)
            var changed = false, waiting = false
            for n in graph.nodes.values {
                for (insert, since) in n.offSince {
                    if now < since + settle { waiting = true; continue }
                    n.offSince[insert] = nil
                    if n.engaged.remove(insert) != nil { changed = true }
                }
            }
            if changed { pushGraph() }
            if waiting { schedulePrune() }
        }
    }

    func schedulePrune() {
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(50)) { [weak self] in self?.pruneInserts() }
    }

    /// Make a bus's reverb and delay nodes if they are on (or `force` names one).
    func makeTimeEffects(_ n: StripNodes, _ s: StripSettings, force: InsertUnit? = nil) {
        let fs = engine.config.sampleRate, ramp = engine.config.rampFrames
        if n.reverb == nil && (s.reverb.on || force == .reverb) { n.reverb = ReverbProcessor.node(s.reverb, sampleRate: fs, rampFrames: ramp) }
        if n.delay == nil && (s.delay.on || force == .delay) { n.delay = DelayProcessor.node(s.delay, sampleRate: fs, rampFrames: ramp) }
    }
}
