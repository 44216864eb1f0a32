// The SQLite store's benchmark files (caseload/store/benchmarks.hpp).
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "caseload/store/benchmarks.hpp"

namespace caseload::store {

namespace {

StoredBenchmark stored_from(SQLite::Statement& q) {
    StoredBenchmark b;
    b.id = q.getColumn(0).getInt64();
    b.organisation = q.getColumn(1).getString();
    b.star = q.getColumn(2).getString();
    b.made_on = q.getColumn(3).getString();
    b.people = q.getColumn(4).getInt64();
    b.added_at = q.getColumn(5).getString();
    b.content = q.getColumn(6).getString();
    return b;
}

}  // namespace

std::optional<Key> find_benchmark_id(Database& db, const std::string& organisation,
                                     const std::string& star) {
    SQLite::Statement exists(db.sql(),
                             "SELECT id FROM benchmark WHERE organisation = ? AND star = ?");
    exists.bind(1, organisation);
    exists.bind(2, star);
    if (!exists.executeStep()) return std::nullopt;
    return exists.getColumn(0).getInt64();
}

Key insert_benchmark(Database& db, const StoredBenchmark& b, Key added_by) {
    SQLite::Statement insert(db.sql(),
                             "INSERT INTO benchmark (organisation, star, made_on, people, content, "
                             "added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, b.organisation);
    insert.bind(2, b.star);
    insert.bind(3, b.made_on);
    insert.bind(4, static_cast<int64_t>(b.people));
    insert.bind(5, b.content);
    insert.bind(6, added_by);
    insert.bind(7, b.added_at);
    insert.exec();
    return db.sql().getLastInsertRowid();
}

std::vector<StoredBenchmark> list_benchmarks(Database& db, const std::optional<std::string>& star) {
    SQLite::Statement q(db.sql(),
                        "SELECT id, organisation, star, made_on, people, added_at, content FROM "
                        "benchmark WHERE ?1 IS NULL OR star = ?1 ORDER BY star, organisation");
    if (star) q.bind(1, *star);
    std::vector<StoredBenchmark> out;
    while (q.executeStep()) out.push_back(stored_from(q));
    return out;
}

std::optional<StoredBenchmark> find_benchmark(Database& db, Key id) {
    SQLite::Statement q(db.sql(),
                        "SELECT id, organisation, star, made_on, people, added_at, content FROM "
                        "benchmark WHERE id = ?");
    q.bind(1, static_cast<int64_t>(id));
    if (!q.executeStep()) return std::nullopt;
    return stored_from(q);
}

void delete_benchmark(Database& db, Key id) {
    SQLite::Statement del(db.sql(), "DELETE FROM benchmark WHERE id = ?");
    del.bind(1, static_cast<int64_t>(id));
    del.exec();
}

}  // namespace caseload::store
