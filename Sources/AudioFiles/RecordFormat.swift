import CSndfile

/// The file formats takes are written in (`--record-format`).
public enum RecordFormat: String, CaseIterable, Sendable {
    /// WAV, 32-bit float; RF64 once the file passes 4 GB (libsndfile writes RF64 and
    /// downgrades it to plain WAV on close when it stayed smaller).
    case wavFloat = "wav-float"
    case wav24 = "wav-24"
    case flac24 = "flac-24"
    case flac16 = "flac-16"

    public var fileExtension: String {
        switch self {
        case .wavFloat, .wav24: "wav"
        case .flac24, .flac16: "flac"
        }
    }

    var sndfileFormat: Int32 {
        switch self {
        case .wavFloat: Int32(SF_FORMAT_RF64 | SF_FORMAT_FLOAT)
        case .wav24: Int32(SF_FORMAT_RF64 | SF_FORMAT_PCM_24)
        case .flac24: Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_24)
        case .flac16: Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        }
    }

    var isRF64: Bool { self == .wavFloat || self == .wav24 }
}
