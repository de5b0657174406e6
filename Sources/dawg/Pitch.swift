import Analysis
import ArgumentParser
import AudioFiles
import Foundation

/// `dawg pitch FILE`: the pitch of a recording as CSV, `time_s,f0_hz,confidence` every
/// 10 ms, `f0_hz` 0 where unvoiced.
struct Pitch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a file's pitch as CSV: time_s,f0_hz,confidence every 10 ms (f0_hz 0 where unvoiced).",
        discussion: "The live tracker's analysis, with a decoder that sees the whole file. Stereo files are mixed to mono. Confidence is the probability that the frame is voiced."
    )

    @Argument(help: "An audio file libsndfile reads (WAV, FLAC, Ogg, AIFF, …).")
    var file: String

    @Option(help: "Seconds between frames.")
    var hop = 0.01

    @Option(name: .customLong("low"), help: "Lowest pitch looked for, Hz.")
    var lowHz = 50.0

    @Option(name: .customLong("high"), help: "Highest pitch looked for, Hz.")
    var highHz = 1500.0

    @Flag(name: .customLong("unvoiced-guess"), help: "Print an unvoiced frame's likeliest pitch as a negative f0_hz (mir_eval's convention) instead of 0.")
    var unvoicedGuess = false

    // Tuning knobs for the decoder (hidden: the defaults are the tuned ones).
    @Option(name: .customLong("threshold-mean"), help: .hidden) var thresholdMean = FilePitchTracker.Options().thresholdMean
    @Option(name: .customLong("unvoiced-weight"), help: .hidden) var unvoicedWeight = Double(PitchDecoder.Options().unvoicedWeight)
    @Option(name: .customLong("switch-cost"), help: .hidden) var switchCost = Double(PitchDecoder.Options().switchCost)
    @Option(name: .customLong("harmonic-leak"), help: .hidden) var harmonicLeak = Double(PitchDecoder.Options().harmonicLeak)
    @Option(name: .customLong("subharmonic-leak"), help: .hidden) var subharmonicLeak = Double(PitchDecoder.Options().subharmonicLeak)
    @Option(name: .customLong("jump-cost"), help: .hidden) var jumpCost = Double(PitchDecoder.Options().jumpCost)
    @Option(name: .customLong("periods"), help: .hidden) var periods = FilePitchTracker.Options().periods
    @Option(name: .customLong("voicing-mean"), help: .hidden) var voicingMean = FilePitchTracker.Options().voicingMean
    @Option(name: .customLong("multiple-margin"), help: .hidden) var multipleMargin = Double(FilePitchTracker.Options().multipleMargin)
    @Option(name: .customLong("multiple-ratio"), help: .hidden) var multipleRatio = Double(FilePitchTracker.Options().multipleRatio)
    @Option(name: .customLong("multiple-alone"), help: .hidden) var multipleAlone = Double(FilePitchTracker.Options().multipleAlone)
    @Option(name: .customLong("lone-sub-octave"), help: .hidden) var loneSubOctave = FilePitchTracker.Options().loneSubOctaveShare
    @Option(name: .customLong("overlap-frames"), help: .hidden) var overlapFrames = PitchDecoder.Options().overlapFrames

    func validate() throws {
        guard hop >= 0.001 && hop <= 1 else { throw ValidationError("--hop must be between 0.001 and 1 s") }
        guard lowHz >= 20 && highHz <= 4000 && lowHz * 2 <= highHz else {
            throw ValidationError("the range must lie within 20 … 4000 Hz and span an octave at least")
        }
    }

    func run() throws {
        var options = FilePitchTracker.Options()
        options.hop = hop
        options.lowHz = lowHz
        options.highHz = highHz
        options.decoder.lowHz = lowHz
        options.decoder.highHz = highHz
        options.thresholdMean = thresholdMean
        options.periods = periods
        options.voicingMean = voicingMean
        options.multipleRatio = Float(multipleRatio)
        options.multipleMargin = Float(multipleMargin)
        options.multipleAlone = Float(multipleAlone)
        options.decoder.unvoicedWeight = Float(unvoicedWeight)
        options.decoder.switchCost = Float(switchCost)
        options.decoder.jumpCost = Float(jumpCost)
        options.decoder.harmonicLeak = Float(harmonicLeak)
        options.decoder.subharmonicLeak = Float(subharmonicLeak)
        options.decoder.overlapFrames = overlapFrames
        options.loneSubOctaveShare = loneSubOctave
        // A bar on the terminal for long files (stdout is the CSV; the bar goes to stderr).
        let bar = ProgressBar.onTerminal()
        let frames = try FilePitchTracker(options: options).track(path: file, progress: bar.map { b in { b.show($0) } }).frames
        bar?.clear()
        var out = "time_s,f0_hz,confidence\n"
        out.reserveCapacity(frames.count * 24)
        for f in frames {
            let hz = f.hz == 0 && unvoicedGuess && f.guess > 0 ? -f.guess : f.hz
            out += String(format: "%.3f,%.2f,%.3f\n", f.time, hz, f.confidence)
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
