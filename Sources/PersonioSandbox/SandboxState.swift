import Foundation

/// A keyset position in a newest-updated-first listing.
struct OrderKey: Comparable, Hashable, Sendable {
    var updatedAt: Int64  // epoch milliseconds
    var id: Int

    /// Listing order: newer first, then higher id first, so equal timestamps still have one order.
    static func < (lhs: OrderKey, rhs: OrderKey) -> Bool {
        lhs.updatedAt != rhs.updatedAt ? lhs.updatedAt > rhs.updatedAt : lhs.id > rhs.id
    }

    init(updatedAt: Date, id: Int) {
        self.updatedAt = Int64((updatedAt.timeIntervalSince1970 * 1000).rounded())
        self.id = id
    }

    init(updatedAt: Int64, id: Int) {
        self.updatedAt = updatedAt
        self.id = id
    }

    /// Personio's cursors look like `cur_82sQwR2eZvKilo2duNh219Kw`; ours carry the key inside.
    var cursor: String {
        let payload = Data("\(updatedAt).\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "cur_" + payload
    }

    init?(cursor: String) {
        guard cursor.hasPrefix("cur_") else { return nil }
        var base64 = String(cursor.dropFirst(4)).replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64),
            case let parts = String(decoding: data, as: UTF8.self).split(separator: "."), parts.count == 2,
            let millis = Int64(parts[0]), let id = Int(parts[1])
        else { return nil }
        self.init(updatedAt: millis, id: id)
    }
}

/// A collection kept in listing order, for keyset pages and `updated_at` filters.
struct OrderedCollection<Record: Sendable>: Sendable {
    private(set) var byID: [Int: Record] = [:]
    private(set) var order: [OrderKey] = []  // sorted ascending by OrderKey.<, i.e. newest first
    private let key: @Sendable (Record) -> OrderKey

    init(_ records: [Record], key: @escaping @Sendable (Record) -> OrderKey) {
        self.key = key
        byID.reserveCapacity(records.count)
        for record in records { byID[key(record).id] = record }
        order = records.map(key).sorted()
    }

    var count: Int { order.count }

    subscript(id: Int) -> Record? { byID[id] }

    mutating func upsert(_ record: Record) {
        let newKey = key(record)
        if let old = byID[newKey.id] {
            let oldKey = key(old)
            let index = position(of: oldKey)
            if index < order.count, order[index] == oldKey { order.remove(at: index) }
        }
        byID[newKey.id] = record
        order.insert(newKey, at: position(of: newKey))
    }

    mutating func remove(id: Int) {
        guard let old = byID.removeValue(forKey: id) else { return }
        let oldKey = key(old)
        let index = position(of: oldKey)
        if index < order.count, order[index] == oldKey { order.remove(at: index) }
    }

    /// First index whose key is not before `key` in listing order.
    func position(of key: OrderKey) -> Int {
        var low = 0
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            if order[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Up to `limit` records after `cursor` (exclusive), newest first, within the time window,
    /// and whether more follow.
    func page(
        after cursor: OrderKey?, limit: Int, updatedAfter: Int64?, updatedBefore: Int64?
    ) -> (records: [Record], last: OrderKey?, more: Bool) {
        var index = 0
        if let cursor {
            index = position(of: cursor)
            if index < order.count, order[index] == cursor { index += 1 }
        }
        if let updatedBefore {
            // Strictly before: skip the newer head of the list.
            index = max(index, position(of: OrderKey(updatedAt: updatedBefore - 1, id: Int.max)))
        }
        var records: [Record] = []
        var last: OrderKey?
        while index < order.count, records.count < limit {
            let key = order[index]
            if let updatedAfter, key.updatedAt <= updatedAfter { return (records, last, false) }
            records.append(byID[key.id]!)
            last = key
            index += 1
        }
        var more = index < order.count
        if more, let updatedAfter { more = order[index].updatedAt > updatedAfter }
        return (records, last, more)
    }
}
