import Crypto
import Foundation
import JunctionModel
import SQLKit

/// Junction's persistent state: the database and secret key, and one repository per aggregate
/// (`integrations`, `records`, `syncRuns`, `webhooks`, …), each answering the questions about it.
///
/// Every query that touches integration data is scoped by integration id, and every integration
/// lookup by workspace id (architecture rule 6); there is deliberately no method that reads an
/// integration's data without both.
public struct Store: Sendable {
    public let database: Database
    let secrets: SecretBox
    /// Set inside a transaction: the one connection every query of this value must use.
    private let connection: (any SQLDatabase)?
    /// Jobs as writes read them, parsed once per version (`RecordRepository.jobForm`).
    let jobForms: JobFormCache

    public init(database: Database, secrets: SecretBox) {
        self.init(database: database, secrets: secrets, connection: nil, jobForms: JobFormCache())
    }

    init(database: Database, secrets: SecretBox, connection: (any SQLDatabase)?, jobForms: JobFormCache) {
        self.database = database
        self.secrets = secrets
        self.connection = connection
        self.jobForms = jobForms
    }

    var sql: any SQLDatabase { connection ?? database.sql }
    /// For a page's short reads (`Database.reads`); inside a transaction, its connection.
    var reads: any SQLDatabase { connection ?? database.reads }

    /// The key that signs page cursors; derived from the secret key so it survives restarts and
    /// is shared by every instance on one database.
    public var cursorSigningKey: SymmetricKey { secrets.derivedKey(purpose: "page-cursor") }
    /// Signs dashboard sessions; derived, so sessions end when the secret key is rotated.
    public var sessionSigningKey: SymmetricKey { secrets.derivedKey(purpose: "dashboard-session") }
}

/// What every repository shares: the store's database (or, inside a transaction, its one
/// connection) and the secret box. Repositories are cheap values made on each access.
protocol StoreRepository: Sendable {
    var store: Store { get }
}

extension StoreRepository {
    var sql: any SQLDatabase { store.sql }
    var reads: any SQLDatabase { store.reads }
    var database: Database { store.database }
    var secrets: SecretBox { store.secrets }
}

/// One page of a keyset-paginated listing.
public struct KeysetPage<Item: Sendable>: Sendable {
    public var items: [Item]
    /// The key of the last item when more follow; pass it back as `after` for the next page.
    public var nextAfter: String?
}

/// Keyset ("seek") pagination over one unique, indexed key column: the next page starts strictly
/// after the last key seen, so page 400 costs what page 1 costs (architecture rule 7) and rows
/// written between two page reads neither repeat nor shift the pages.
enum Keyset {
    /// `query` as a keyset page: after `after` when given, in key order, one row more than asked
    /// (it tells whether another page follows without a COUNT).
    static func query(_ query: SQLSelectBuilder, keyColumn: String, after: String?, limit: Int) -> SQLSelectBuilder {
        precondition(limit > 0, "page size must be positive")
        if let after {
            query.where(SQLColumn(keyColumn), .greaterThan, SQLBind(after))
        }
        return query.orderBy(keyColumn, .ascending).limit(limit + 1)
    }

    /// The page of the rows `query`'s statement read; the next page starts after the key
    /// (`keyColumn`) of its last row.
    ///
    /// Each item is appended as `decode` returns it: handed back in a tuple with its key, a
    /// stored document was copied on the way (five retains a row, issue 22's thirty-fifth stop).
    static func page<Item: Sendable>(
        _ rows: [any SQLRow], limit: Int, keyColumn: String = "id", decode: (any SQLRow) throws -> Item
    ) throws -> KeysetPage<Item> {
        var items: [Item] = []
        items.reserveCapacity(min(rows.count, limit))
        for row in rows.prefix(limit) {
            items.append(try decode(row))
        }
        let next = rows.count > limit ? try rows[limit - 1].decode(column: keyColumn, as: String.self) : nil
        return KeysetPage(items: items, nextAfter: next)
    }

    static func page<Item: Sendable>(
        _ query: SQLSelectBuilder,
        keyColumn: String,
        after: String?,
        limit: Int,
        decode: (any SQLRow) throws -> Item
    ) async throws -> KeysetPage<Item> {
        let rows = try await Self.query(query, keyColumn: keyColumn, after: after, limit: limit).all()
        return try page(rows, limit: limit, keyColumn: keyColumn, decode: decode)
    }
}
