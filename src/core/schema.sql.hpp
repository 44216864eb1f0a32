#pragma once
// Forward migrations: kMigrations[i] takes user_version i to i + 1.
namespace caseload::schema {

inline constexpr const char* kMigrations[] = {
    // 0 -> 1: the register.
    R"sql(
CREATE TABLE organisation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    id_pattern TEXT,
    id_pattern_description TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE star (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    builtin INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE star_need (
    id INTEGER PRIMARY KEY,
    star_id INTEGER NOT NULL REFERENCES star(id),
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (star_id, code)
);
CREATE TABLE service (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    star_id INTEGER NOT NULL REFERENCES star(id),
    created_at TEXT NOT NULL
);
CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    login TEXT UNIQUE,
    is_lead INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE staff_role (
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    service_id INTEGER NOT NULL REFERENCES service(id),
    role TEXT NOT NULL CHECK (role IN ('worker', 'manager')),
    PRIMARY KEY (staff_id, service_id, role)
) WITHOUT ROWID;
-- AUTOINCREMENT: a key is never reused, so audit events of an erased person
-- can never point at someone added later.
CREATE TABLE service_user (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE COLLATE NOCASE,
    service_id INTEGER NOT NULL REFERENCES service(id),
    keyworker_id INTEGER NOT NULL REFERENCES staff(id),
    date_of_birth TEXT,
    age_band TEXT,
    gender TEXT,
    ethnicity TEXT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left')),
    left_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_event INTEGER
);
CREATE INDEX service_user_keyworker ON service_user(keyworker_id, status);
CREATE INDEX service_user_service ON service_user(service_id, status);
CREATE TABLE su_need (
    su_id INTEGER NOT NULL REFERENCES service_user(id) ON DELETE CASCADE,
    need_id INTEGER NOT NULL REFERENCES star_need(id),
    PRIMARY KEY (su_id, need_id)
) WITHOUT ROWID;
CREATE INDEX su_need_need ON su_need(need_id);
CREATE TABLE guard_word (
    word TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('name', 'address', 'allow')),
    reason TEXT,
    added_by INTEGER REFERENCES staff(id),
    added_at TEXT NOT NULL
);
-- The audit trail. su_id is the service user's internal key, never an ID
-- string, so that a renamed-away or erased ID is kept nowhere.
CREATE TABLE event (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER REFERENCES staff(id),
    lead_id INTEGER REFERENCES staff(id),
    action TEXT NOT NULL,
    su_id INTEGER,
    detail TEXT NOT NULL DEFAULT ''
);
)sql",
    // 1 -> 2: indexes for 'caseload log'.
    R"sql(
CREATE INDEX event_su ON event(su_id);
CREATE INDEX event_at ON event(at);
)sql",
    // 2 -> 3: no indexes by service or by need. A service or a need is a
    // large share of the register, so a scan of the table (about 0.1 s at a
    // million rows) serves those queries about as fast as the index did; but
    // each index cost about 4,000 instructions per row written, a quarter of
    // a bulk import's time. The index by keyworker stays: a caseload is a few
    // dozen of many thousands, and a worker lists it all day.
    R"sql(
DROP INDEX IF EXISTS service_user_service;
DROP INDEX IF EXISTS su_need_need;
)sql",
    // 3 -> 4: started_on, the day support began (issue 15): reports count
    // who started, left and was active in a period. Existing records take the
    // day they were entered (created_at is UTC, so its date is UTC's). No
    // index: reports scan the table anyway, and an index costs every import.
    R"sql(
ALTER TABLE service_user ADD COLUMN started_on TEXT;
UPDATE service_user SET started_on = substr(created_at, 1, 10);
)sql",
    // 4 -> 5: other organisations' benchmark files (issue 14): aggregate,
    // protected counts for one Star, as 'caseload benchmark export' wrote
    // them; one per organisation and Star.
    R"sql(
CREATE TABLE IF NOT EXISTS benchmark (
    id INTEGER PRIMARY KEY,
    organisation TEXT NOT NULL,
    star TEXT NOT NULL,
    made_on TEXT NOT NULL,
    people INTEGER NOT NULL,
    content TEXT NOT NULL,
    added_by INTEGER REFERENCES staff(id),
    added_at TEXT NOT NULL,
    UNIQUE (organisation, star)
);
)sql",
    // 5 -> 6: a rename or erase marks here, in its own transaction, that the
    // overwritten bytes must still leave the WAL; the mark goes when a
    // checkpoint has emptied it (issue 17: never wait for readers holding
    // the write lock).
    R"sql(
CREATE TABLE IF NOT EXISTS scrub_pending (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    since TEXT NOT NULL
);
)sql",
    // 6 -> 7: the secret that chooses the people left out of protected
    // reports (issue 14, disclosure.hpp): drawn once, from SQLite's
    // randomness (the operating system's), and never shown. The multiplier
    // and offsets are below the prime 2^31 - 1; the multiplier is not 0.
    R"sql(
CREATE TABLE IF NOT EXISTS disclosure_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    multiplier INTEGER NOT NULL,
    person_offset INTEGER NOT NULL,
    service_offset INTEGER NOT NULL
);
INSERT OR IGNORE INTO disclosure_key VALUES (1,
    1 + (random() & 2147483647) % 2147483646,
    (random() & 2147483647) % 2147483647,
    (random() & 2147483647) % 2147483647);
)sql",
    // 7 -> 8: completion and lists walk an actor's index ranges in ID order
    // (issue 19). The keyworker index ends in uid, so a worker's rows come
    // in ID order from the prefix; and an index by service, ending in uid,
    // serves a manager (migration 3 dropped the one by service alone). Its
    // cost to an import is one more index entry a row.
    R"sql(
DROP INDEX IF EXISTS service_user_keyworker;
CREATE INDEX service_user_keyworker ON service_user(keyworker_id, status, uid);
CREATE INDEX service_user_service ON service_user(service_id, status, uid);
)sql",
};

static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == 8);

}  // namespace caseload::schema
