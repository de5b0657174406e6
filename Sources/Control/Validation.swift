/// Checks shared by every way into the session (OSC, patch files), so a value is
/// judged the same whichever door it came through.
public enum Validate {
    public static let maxGainDb: Float = 12
    public static let maxNameLength = 64

    /// dB from −∞ (silence) to +12. NaN and +∞ are refused.
    public static func gain(_ db: Float, _ what: String = "gain") throws -> Float {
        if db.isNaN || db == .infinity || db > maxGainDb {
            throw ControlError("\(what) must be a number of dB from -inf to +\(Int(maxGainDb)), not \(db)")
        }
        return db
    }

    public static func unit(_ x: Float, _ what: String) throws -> Float {
        guard x.isFinite, x >= 0, x <= 1 else { throw ControlError("\(what) must be from 0 to 1, not \(x)") }
        return x
    }

    public static func pan(_ p: Float) throws -> Float {
        guard p.isFinite, p >= -1, p <= 1 else { throw ControlError("pan must be from -1 (left) to 1 (right), not \(p)") }
        return p
    }

    /// A switch: exactly 0 or 1.
    public static func flag(_ v: Float, _ what: String) throws -> Bool {
        guard v == 0 || v == 1 else { throw ControlError("\(what) must be 0 or 1, not \(v)") }
        return v == 1
    }

    /// Beats per minute, 20 to 400.
    public static func tempo(_ bpm: Double) throws -> Double {
        guard bpm.isFinite, bpm >= 20, bpm <= 400 else { throw ControlError("tempo must be from 20 to 400 bpm, not \(bpm)") }
        return bpm
    }

    public static func seconds(_ s: Double, _ what: String) throws -> Double {
        guard s.isFinite, s >= 0, s <= 24 * 3600 else { throw ControlError("\(what) must be seconds from 0 to 86400, not \(s)") }
        return s
    }

    /// Names are short, printable and free of '/' so they can never be mistaken for
    /// part of an address.
    public static func name(_ n: String) throws -> String {
        guard !n.isEmpty, n.utf8.count <= maxNameLength else {
            throw ControlError("name must be 1 to \(maxNameLength) bytes long")
        }
        guard n.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F && $0 != "/" }) else {
            throw ControlError("name must be printable and contain no '/'")
        }
        return n
    }
}
