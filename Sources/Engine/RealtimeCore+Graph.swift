import DSP

extension RealtimeCore {
    /// Process thread: run every track, bus and the master for `count` frames from the
    /// transport's position, writing the master at `offset` in the outputs.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func renderGraph(
        offset: Int, count: Int, inputs: UnsafePointer<UnsafePointer<Float>?>,
        left: UnsafeMutablePointer<Float>, right: UnsafeMutablePointer<Float>
    ) {
        let plan = self.plan
        let meters = ballistics.block(count)
        let srcL = buffer(0), srcR = buffer(1)
        let masterL = buffer(6), masterR = buffer(7)
        Kernels.clear(masterL, count)
        Kernels.clear(masterR, count)
        for b in plan.pointee.buses {
            Kernels.clear(busLeft(Int(b.bus)), count)
            Kernels.clear(busRight(Int(b.bus)), count)
        }

        for track in plan.pointee.tracks {
            let strip = Int(track.strip)
            if isSilent(strip) {
                strips[strip].meterLeft.decay(meters)
                strips[strip].meterRight.decay(meters)
                continue
            }
            var left: UnsafePointer<Float> = UnsafePointer(srcL)
            var right = left
            switch track.kind {
            case .input:
                let i = Int(track.input)
                if i < inputCount, let input = inputs[i] {
                    left = input + offset
                    right = left
                } else {
                    Kernels.clear(srcL, count)
                }
            case .clips:
                let source = clipSource(track.clips, stereo: track.stereo, count: count, left: srcL, right: srcR)
                left = source.left
                right = source.right
            case .silent:
                Kernels.clear(srcL, count)
            }
            runStrip(strip, left: left, right: right, meters, sends: track.sends, into: masterL, masterR)
        }

        for bus in plan.pointee.buses {
            runStrip(
                Int(bus.strip), left: UnsafePointer(busLeft(Int(bus.bus))), right: UnsafePointer(busRight(Int(bus.bus))),
                meters, sends: UnsafeMutableBufferPointer(start: nil, count: 0), into: masterL, masterR
            )
        }

        Kernels.clear(left + offset, count)
        Kernels.clear(right + offset, count)
        runStrip(
            EngineConfig.masterStrip, left: UnsafePointer(masterL), right: UnsafePointer(masterR), meters,
            sends: UnsafeMutableBufferPointer(start: nil, count: 0), into: left + offset, right + offset
        )
    }

    @inlinable func busLeft(_ bus: Int) -> UnsafeMutablePointer<Float> { busBuffers + (2 * bus) * maxFrames }
    @inlinable func busRight(_ bus: Int) -> UnsafeMutablePointer<Float> { busBuffers + (2 * bus + 1) * maxFrames }

    /// True when the strip's input gains are zero and steady: nothing it does is heard.
    #if RT_CHECKS
    @_noLocks
    #endif
    @inlinable
    func isSilent(_ strip: Int) -> Bool {
        strips[strip].left.isSilent && strips[strip].right.isSilent
    }

    /// What the clips hold under the transport for `count` frames: a pointer straight
    /// into the clip when one covers the whole block (the usual case), otherwise the
    /// clips mixed into `left`/`right` (silence when stopped or between clips).
    #if RT_CHECKS
    @_noLocks
    #endif
    func clipSource(
        _ clips: UnsafeMutableBufferPointer<Plan.Clip>, stereo: Bool, count: Int,
        left: UnsafeMutablePointer<Float>, right: UnsafeMutablePointer<Float>
    ) -> (left: UnsafePointer<Float>, right: UnsafePointer<Float>) {
        let from = transport.position, to = transport.position + Int64(count)
        if transport.playing && clips.count == 1 {
            let clip = clips[0]
            if clip.start <= from && to <= clip.start + clip.length {
                let at = Int(clip.offset + from - clip.start)
                return (clip.left + at, stereo ? clip.right + at : clip.left + at)
            }
        }
        Kernels.clear(left, count)
        if stereo { Kernels.clear(right, count) }
        if transport.playing {
            for clip in clips {
                let start = max(from, clip.start), end = min(to, clip.start + clip.length)
                if start >= end { continue }
                let src = Int(clip.offset + start - clip.start), dst = Int(start - from), n = Int(end - start)
                Kernels.accumulate(clip.left + src, left + dst, n)
                if stereo { Kernels.accumulate(clip.right + src, right + dst, n) }
            }
        }
        return (UnsafePointer(left), UnsafePointer(stereo ? right : left))
    }

    /// One strip: gains before the fader (polarity, mute/solo, pan), pre-fader sends,
    /// the fader, meters, then the sum into `outL`/`outR` and the post-fader sends.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func runStrip(
        _ strip: Int, left: UnsafePointer<Float>, right: UnsafePointer<Float>, _ meters: MeterBlock,
        sends: UnsafeMutableBufferPointer<Plan.Send>,
        into outL: UnsafeMutablePointer<Float>, _ outR: UnsafeMutablePointer<Float>
    ) {
        let count = meters.count
        let s = strips[strip]
        if sends.count == 0 && s.left.remaining == 0 && s.right.remaining == 0 && s.fader.remaining == 0 {
            // Steady gains and no sends (the common case): meter the source once per
            // distinct channel and scale, then one scaled sum into each side.
            let gl = s.left.value * s.fader.value, gr = s.right.value * s.fader.value
            let a = Kernels.peakAndSumOfSquares(left, count)
            let b = left == right ? a : Kernels.peakAndSumOfSquares(right, count)
            strips[strip].meterLeft.update(blockPeak: a.peak * abs(gl), sumOfSquares: a.sumOfSquares * gl * gl, meters)
            strips[strip].meterRight.update(blockPeak: b.peak * abs(gr), sumOfSquares: b.sumOfSquares * gr * gr, meters)
            Kernels.accumulate(left, outL, count, gain: gl)
            Kernels.accumulate(right, outR, count, gain: gr)
            return
        }
        let preL = buffer(2), preR = buffer(3), postL = buffer(4), postR = buffer(5)
        Kernels.multiply(left, preL, count, ramp: &strips[strip].left)
        Kernels.multiply(right, preR, count, ramp: &strips[strip].right)
        for send in sends where send.preFader {
            runSend(strip, send, UnsafePointer(preL), UnsafePointer(preR), count)
        }
        var fader = strips[strip].fader
        Kernels.multiply(UnsafePointer(preL), postL, count, ramp: &fader)
        Kernels.multiply(UnsafePointer(preR), postR, count, ramp: &strips[strip].fader)
        strips[strip].meterLeft.update(postL, meters)
        strips[strip].meterRight.update(postR, meters)
        Kernels.accumulate(UnsafePointer(postL), outL, count)
        Kernels.accumulate(UnsafePointer(postR), outR, count)
        for send in sends where !send.preFader {
            runSend(strip, send, UnsafePointer(postL), UnsafePointer(postR), count)
        }
    }

    #if RT_CHECKS
    @_noLocks
    #endif
    @inlinable
    mutating func runSend(_ strip: Int, _ send: Plan.Send, _ l: UnsafePointer<Float>, _ r: UnsafePointer<Float>, _ count: Int) {
        let bus = Int(send.bus)
        let ramp = sendRamps + strip * maxBuses + bus
        var copy = ramp.pointee
        Kernels.accumulate(l, busLeft(bus), count, ramp: &copy)
        Kernels.accumulate(r, busRight(bus), count, ramp: &ramp.pointee)
    }
}
