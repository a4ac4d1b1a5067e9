import Foundation
import JunctionStore
import JunctionTestSupport
import Testing

/// `docs/personal-data.md` lists every column of the schema (issue 21): a column a migration
/// adds without a line there fails this test, and so does a line for a column that is gone.
@Suite("The personal data inventory covers the schema", .freshDatabases)
struct PersonalDataInventoryTests {
    /// `table.column` of every row of the inventory table: its first cell names tables, its
    /// second columns, each in backticks; a row stands for every pair.
    static func inventory() throws -> Set<String> {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/personal-data.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        guard let start = text.range(of: "## Inventory") else { return [] }
        var pairs = Set<String>()
        for line in text[start.upperBound...].split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2 else { continue }
            let names = { (cell: String) in cell.matches(of: /`([a-z_0-9]+)`/).map { String($0.output.1) } }
            for table in names(cells[0]) {
                for column in names(cells[1]) { pairs.insert("\(table).\(column)") }
            }
        }
        return pairs
    }

    @Test("every column of every table is in docs/personal-data.md, and nothing else", arguments: Backend.allCases)
    func complete(backend: Backend) async throws {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))

        let schema = try await seeded.store.personalData.schema()
        let columns = Set(schema.flatMap { table in table.columns.map { "\(table.table).\($0.name)" } })
        let listed = try Self.inventory()

        #expect(schema.count >= 25, "the schema read back: \(schema.map(\.table))")
        #expect(columns.subtracting(listed).sorted() == [], "columns missing from the inventory")
        #expect(listed.subtracting(columns).sorted() == [], "inventory lines for columns the schema lacks")
    }
}
