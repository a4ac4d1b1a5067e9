import JunctionModel
import JunctionStore
import JunctionTestSupport
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import JunctionSync

/// A listing's pages are saved one after another while the listing goes on (`PageSaver`): a
/// call returns before its page's save ends, the next save starts only after it, and a failed
/// save stops the listing at its next call.
@Suite("Pages saved in order, each while the next is read", .timeLimit(.minutes(1)))
struct PageSaverTests {
    struct Failure: Error {}

    actor Events {
        var list: [String] = []
        func add(_ event: String) { list.append(event) }
    }

    static func page(_ id: String) -> [JunctionModel.Tag] { [JunctionModel.Tag(id: id, remoteID: id, name: id)] }

    /// An after step for page `id` that records "after <id>", is held until `event` has been
    /// recorded or 5 s have passed (a saver that never lets `event` happen while the step is
    /// held would fail the test's order checks), then records "after <id> ended"; and the task
    /// that releases it.
    static func heldStep(_ id: String, until event: String, in events: Events) -> (
        step: PageSaver<JunctionModel.Tag>.Step, releaser: Task<Void, Never>
    ) {
        let (release, releasing) = AsyncStream.makeStream(of: Void.self)
        let releaser = Task {
            let deadline = ContinuousClock.now + .seconds(5)
            while await !events.list.contains(event), ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(5))
            }
            releasing.yield()
        }
        let step: PageSaver<JunctionModel.Tag>.Step = {
            await events.add("after \(id)")
            for await _ in release { break }
            await events.add("after \(id) ended")
        }
        return (step, releaser)
    }

    @Test("a call returns while its save waits; saves keep their order; a failure is thrown at the next call")
    func order() async throws {
        let events = Events()
        let (release, releasing) = AsyncStream.makeStream(of: Void.self)
        let saver = PageSaver<JunctionModel.Tag> { _, records, then in
            let id = records[0].id
            await events.add("save \(id)")
            if id == "t1" { for await _ in release { break } }
            if id == "t2" { throw Failure() }
            try await then?()
            await events.add("saved \(id)")
            return nil
        }

        try await saver(Self.page("t1"), then: { await events.add("then t1") })
        await events.add("t1 returned")
        releasing.yield()
        try await saver(Self.page("t2"))
        await #expect(throws: Failure.self) { try await saver(Self.page("t3")) }
        await #expect(throws: Failure.self) { try await saver.drain() }
        let list = await events.list

        // t1's save cannot end before the release, which follows its call's return.
        let returned = try #require(list.firstIndex(of: "t1 returned"))
        #expect(list.firstIndex(of: "then t1").map { $0 > returned } == true)
        #expect(
            list.filter { $0 != "t1 returned" } == ["save t1", "then t1", "saved t1", "save t2"],
            "t2 starts after t1 ended; t3 never starts")
    }

    @Test("an after step runs once its page is saved, beside the next page's save, one at a time in order")
    func after() async throws {
        let events = Events()
        let saver = PageSaver<JunctionModel.Tag> { _, records, _ in
            await events.add("save \(records[0].id)")
            return nil
        }
        // t1's after step is held until t2's save has run (a saver that ran it before the next
        // save would never get there).
        let held = Self.heldStep("t1", until: "save t2", in: events)

        try await saver(Self.page("t1"), after: held.step)
        try await saver(Self.page("t2"), after: { await events.add("after t2") })
        try await saver.drain()
        await held.releaser.value
        let list = await events.list

        #expect(list.filter { $0.hasPrefix("save") } == ["save t1", "save t2"])
        #expect(list.filter { $0.hasPrefix("after") } == ["after t1", "after t1 ended", "after t2"])
        let index = { (event: String) in list.firstIndex(of: event) ?? -1 }
        #expect(index("save t1") < index("after t1"), "a page's after step follows its save")
        #expect(index("save t2") < index("after t1 ended"), "the next save runs beside it")
    }

    @Test("with two steps at once, the next page's step starts while one runs; a third waits for the first")
    func twoStepsAtOnce() async throws {
        let events = Events()
        let saver = PageSaver<JunctionModel.Tag>(stepsAtOnce: 2) { _, records, _ in
            await events.add("save \(records[0].id)")
            return nil
        }
        // t1's step is held until t2's step has started (a saver running one step at a time
        // would never start t2's while t1's is held).
        let held = Self.heldStep("t1", until: "after t2", in: events)

        try await saver(Self.page("t1"), after: held.step)
        try await saver(Self.page("t2"), after: { await events.add("after t2") })
        try await saver(Self.page("t3"), after: { await events.add("after t3") })
        try await saver.drain()
        await held.releaser.value
        let list = await events.list

        let index = { (event: String) in list.firstIndex(of: event) ?? -1 }
        #expect(list.filter { $0.hasPrefix("save") } == ["save t1", "save t2", "save t3"])
        #expect(index("after t2") > index("after t1"), "steps start in page order")
        #expect(index("after t2") < index("after t1 ended"), "the second step runs beside the first")
        #expect(index("after t3") > index("after t1 ended"), "a third waits for the first to end")
    }

    @Test("a failed after step is thrown by the next page's call that waits for it, and by drain")
    func afterFailure() async throws {
        let events = Events()
        let saver = PageSaver<JunctionModel.Tag> { _, records, _ in
            await events.add("save \(records[0].id)")
            return nil
        }

        try await saver(Self.page("t1"), after: { throw Failure() })
        try await saver(Self.page("t2"), after: { await events.add("after t2") })
        await #expect(throws: Failure.self) { try await saver(Self.page("t3")) }
        await #expect(throws: Failure.self) { try await saver.drain() }
        let list = await events.list

        #expect(list == ["save t1", "save t2"], "t3 is not saved; t2's after step never runs")
    }

    /// Returns once `event` has been recorded, or after `seconds`.
    static func wait(for event: String, in events: Events, seconds: Int) async {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while await !events.list.contains(event), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test("with two saves at once, a page's save starts beside the previous one's, unless they share a record")
    func twoSavesAtOnce() async throws {
        let events = Events()
        // t1's save is held until t2's has started (a saver saving one page at a time never
        // starts it; 5 s at most); t2's until the third page's has (which a saver that waits
        // for a shared record never starts; 1 s at most).
        let saver = PageSaver<JunctionModel.Tag>(savesAtOnce: 2) { _, records, _ in
            let id = records[0].id
            await events.add("save \(id)")
            if id == "t1" { await Self.wait(for: "save t2", in: events, seconds: 5) }
            if id == "t2" { await Self.wait(for: "save t3", in: events, seconds: 1) }
            await events.add("saved \(id)")
            return nil
        }

        try await saver(Self.page("t1"))
        try await saver(Self.page("t2"))
        try await saver(Self.page("t3") + Self.page("t2"))
        try await saver.drain()
        let list = await events.list

        let index = { (event: String) in list.firstIndex(of: event) ?? -1 }
        #expect(index("save t2") < index("saved t1"), "t2's save runs beside t1's")
        #expect(index("save t3") > index("saved t2"), "the page repeating t2 waits for t2's save")
        #expect(list.count == 6)
    }
}

/// With an executor (SQLite's writer thread), a page's save is queued behind the one running
/// and starts there as it ends, without waiting for the listing to come back.
@Suite("Pages saved on the writer's thread", .timeLimit(.minutes(1)))
struct QueuedPageSaverTests {
    typealias Events = PageSaverTests.Events

    /// A thread of the suite's own, kept for the process's life as the writers' are.
    static let loop = MultiThreadedEventLoopGroup(numberOfThreads: 1).next()
    static let executor = EventLoopTaskExecutor.of(loop)

    @Test("a call returns while the previous save still runs; saves run in order on the executor's thread")
    func queued() async throws {
        let (loop, executor) = (Self.loop, Self.executor)
        let events = Events()
        let offThread = Mutex(0)
        let saver = PageSaver<JunctionModel.Tag>(executor: executor) { _, records, _ in
            let id = records[0].id
            if !loop.inEventLoop { offThread.withLock { $0 += 1 } }
            await events.add("save \(id)")
            // Held until t2's call returned (5 s at most): a saver whose call waits for the
            // previous save to end never returns it meanwhile.
            if id == "t1" { await PageSaverTests.wait(for: "t2 returned", in: events, seconds: 5) }
            await events.add("saved \(id)")
            return nil
        }

        try await saver(PageSaverTests.page("t1"))
        try await saver(
            PageSaverTests.page("t2"),
            after: {
                if !loop.inEventLoop { offThread.withLock { $0 += 1 } }
                await events.add("after t2")
            })
        await events.add("t2 returned")
        try await saver(PageSaverTests.page("t3"))
        try await saver.drain()
        let list = await events.list.filter { $0 != "after t2" }
        let afterT2 = await events.list.contains("after t2")

        let index = { (event: String) in list.firstIndex(of: event) ?? -1 }
        #expect(index("t2 returned") < index("saved t1"), "t2's call returns while t1 is saved")
        #expect(
            list.filter { $0 != "t2 returned" } == [
                "save t1", "saved t1", "save t2", "saved t2", "save t3", "saved t3",
            ],
            "one save at a time, in order")
        #expect(afterT2)
        #expect(offThread.withLock { $0 } == 0, "every save and step runs on the executor's thread")
    }

    @Test("a saver that does not hand the records gives its saves none, and the page's count")
    func recordsNotHanded() async throws {
        let handed = Mutex<[(count: Int, records: Int)]>([])
        let saver = PageSaver<JunctionModel.Tag>(executor: Self.executor, handsRecords: false) { page, records, _ in
            handed.withLock { $0.append((page.count, records.count)) }
            return nil
        }

        try await saver(PageSaverTests.page("t1") + PageSaverTests.page("t2"))
        try await saver.drain()

        let seen = handed.withLock { $0 }
        #expect(seen.map(\.count) == [2])
        #expect(seen.map(\.records) == [0])
    }

    @Test("a failed save fails the page queued behind it and is thrown by the call after it, and by drain")
    func failure() async throws {
        let executor = Self.executor
        let events = Events()
        let saver = PageSaver<JunctionModel.Tag>(executor: executor) { _, records, _ in
            let id = records[0].id
            await events.add("save \(id)")
            if id == "t1" { throw PageSaverTests.Failure() }
            return nil
        }

        try await saver(PageSaverTests.page("t1"))
        try await saver(PageSaverTests.page("t2"))
        await #expect(throws: PageSaverTests.Failure.self) { try await saver(PageSaverTests.page("t3")) }
        await #expect(throws: PageSaverTests.Failure.self) { try await saver.drain() }
        let list = await events.list

        #expect(list == ["save t1"], "t2 waited for t1 and never ran; t3 was never queued")
    }

    /// Whether each `FreedWhere` was freed on the loop's thread, in the order they were freed.
    final class Frees: Sendable {
        let onLoop = Mutex<[Bool]>([])
    }

    /// Records in `frees` whether it was freed on `loop`'s thread.
    final class FreedWhere: Sendable {
        let loop: any EventLoop
        let frees: Frees
        init(loop: any EventLoop, frees: Frees) {
            self.loop = loop
            self.frees = frees
        }
        deinit { frees.onLoop.withLock { $0.append(loop.inEventLoop) } }
    }

    @Test("what a piece keeps is let go off the executor's thread, though its task there held it too")
    func keptFreedOffThread() async throws {
        let (loop, executor) = (Self.loop, Self.executor)
        let chain = CommitChain(width: 1, executor: executor)
        let frees = Frees()

        for _ in 0..<3 {
            let (gate, open) = AsyncStream.makeStream(of: Void.self)
            do {
                let page = FreedWhere(loop: loop, frees: frees)
                // As a save's task holds its page, the piece's work holds it, and ends only once
                // this call's own reference is gone.
                try await chain.enqueue(keeping: page) {
                    _ = page.loop
                    for await _ in gate { break }
                }
            }
            open.yield()
        }
        try await chain.drain()
        let freed = frees.onLoop.withLock { $0 }

        // Two were let go by the call that found their piece ended, the last by drain: all three
        // freed, none on the executor's thread, where each piece's task ended.
        #expect(freed == [false, false, false])
    }
}

/// `SyncEngine.mirror` with a page saver: a listing that fails while its last page is being
/// saved waits for that save, and a save that failed is the failure reported.
@Suite("A listing's failure and its pages' saves", .freshDatabases)
struct MirrorFailureTests {
    struct ListingFailed: Error {}

    @Test("a listing that fails after a page's save failed throws the save's failure")
    func saveFailureFirst() async throws {
        try await JobSyncTests.withSandboxAndStore(.sqlite) { _, sync in
            let engine = SyncEngine(store: sync.seeded.store, logger: quietLogger)
            let connector = try await sync.connector()
            var stats = SyncRun.Stats()

            var thrown: (any Error)?
            do {
                // No such integration: the tag's row breaks the foreign key, so the save fails.
                try await engine.mirror(
                    JunctionModel.Tag.self, "tags", runID: "run-1", integrationID: "personio:missing",
                    connector: connector, stats: &stats, progress: nil, started: .now, complete: false
                ) { save in
                    try await save([JunctionModel.Tag(id: "tag-1", remoteID: "1", name: "one")])
                    throw ListingFailed()
                }
            } catch {
                thrown = error
            }

            #expect(thrown != nil)
            #expect(!(thrown is ListingFailed), "the save failed first: \(String(describing: thrown))")
        }
    }
}
