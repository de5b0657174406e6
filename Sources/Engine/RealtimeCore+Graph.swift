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
                strips[strip].meterLeft.decay(count, ballistics)
                strips[strip].meterRight.decay(count, ballistics)
                continue
            }
            var right: UnsafePointer<Float> = UnsafePointer(srcL)
            switch track.kind {
            case .input:
                let i = Int(track.input)
                if i < inputCount, let input = inputs[i] {
                    Kernels.copy(input + offset, srcL, count)
                } else {
                    Kernels.clear(srcL, count)
                }
            case .clips:
                readClips(track.clips, stereo: track.stereo, count: count, left: srcL, right: srcR)
                if track.stereo { right = UnsafePointer(srcR) }
            case .silent:
                Kernels.clear(srcL, count)
            }
            runStrip(strip, left: UnsafePointer(srcL), right: right, count: count, sends: track.sends, into: masterL, masterR)
        }

        for bus in plan.pointee.buses {
            runStrip(
                Int(bus.strip), left: UnsafePointer(busLeft(Int(bus.bus))), right: UnsafePointer(busRight(Int(bus.bus))),
                count: count, sends: UnsafeMutableBufferPointer(start: nil, count: 0), into: masterL, masterR
            )
        }

        Kernels.clear(left + offset, count)
        Kernels.clear(right + offset, count)
        runStrip(
            EngineConfig.masterStrip, left: UnsafePointer(masterL), right: UnsafePointer(masterR), count: count,
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
        let s = strips[strip]
        return s.left.remaining == 0 && s.left.value == 0 && s.right.remaining == 0 && s.right.value == 0
    }

    /// Copy what the clips hold under the transport into `left`/`right` (silence when
    /// stopped or between clips).
    #if RT_CHECKS
    @_noLocks
    #endif
    func readClips(
        _ clips: UnsafeMutableBufferPointer<Plan.Clip>, stereo: Bool, count: Int,
        left: UnsafeMutablePointer<Float>, right: UnsafeMutablePointer<Float>
    ) {
        Kernels.clear(left, count)
        if stereo { Kernels.clear(right, count) }
        if !transport.playing { return }
        let from = transport.position, to = transport.position + Int64(count)
        for clip in clips {
            let start = max(from, clip.start), end = min(to, clip.start + clip.length)
            if start >= end { continue }
            let src = Int(clip.offset + start - clip.start), dst = Int(start - from), n = Int(end - start)
            Kernels.accumulate(clip.left + src, left + dst, n)
            if stereo { Kernels.accumulate(clip.right + src, right + dst, n) }
        }
    }

    /// One strip: gains before the fader (polarity, mute/solo, pan), pre-fader sends,
    /// the fader, meters, then the sum into `outL`/`outR` and the post-fader sends.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func runStrip(
        _ strip: Int, left: UnsafePointer<Float>, right: UnsafePointer<Float>, count: Int,
        sends: UnsafeMutableBufferPointer<Plan.Send>,
        into outL: UnsafeMutablePointer<Float>, _ outR: UnsafeMutablePointer<Float>
    ) {
        let preL = buffer(2), preR = buffer(3), postL = buffer(4), postR = buffer(5)
        Kernels.multiply(left, preL, count, ramp: &strips[strip].left)
        Kernels.multiply(right, preR, count, ramp: &strips[strip].right)
        for send in sends where send.preFader {
            runSend(strip, send, UnsafePointer(preL), UnsafePointer(preR), count)
        }
        var fader = strips[strip].fader
        Kernels.multiply(UnsafePointer(preL), postL, count, ramp: &fader)
        Kernels.multiply(UnsafePointer(preR), postR, count, ramp: &strips[strip].fader)
        strips[strip].meterLeft.update(postL, count, ballistics)
        strips[strip].meterRight.update(postR, count, ballistics)
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
