#include "caseload/database.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "../schema.sql.hpp"
#include "caseload/dates.hpp"
#include "caseload/error.hpp"
#include "caseload/text.hpp"

namespace caseload {

namespace fs = std::filesystem;

std::string resolve_database_path(const std::optional<std::string>& flag) {
    if (flag && !flag->empty()) return *flag;
    if (const char* env = std::getenv("CASELOAD_DB"); env && *env) return env;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return (fs::path(xdg) / "caseload" / "caseload.db").string();
    const char* home = std::getenv("HOME");
    return (fs::path(home && *home ? home : ".") / ".local" / "share" / "caseload" / "caseload.db")
        .string();
}

namespace {

int busy_timeout_ms(double wait_seconds) {
    if (!(wait_seconds > 0)) wait_seconds = 0;
    if (wait_seconds > 86400) wait_seconds = 86400;
    return static_cast<int>(wait_seconds * 1000);
}

// "another caseload (process 123)" or "another program, sqlite3 (process 77)".
std::string program_of(pid_t pid) {
    std::string name;
    if (FILE* f = std::fopen(fmt::format("/proc/{}/comm", pid).c_str(), "r")) {
        char buffer[64] = {};
        if (std::fgets(buffer, sizeof buffer, f)) name = buffer;
        std::fclose(f);
    }
    while (!name.empty() && name.back() == '\n') name.pop_back();
    if (name == "caseload") return fmt::format("another caseload (process {})", pid);
    if (name.empty()) return fmt::format("another program (process {})", pid);
    return fmt::format("another program, {} (process {})", printable(name, 40), pid);
}

// The locks other processes hold on a file, from /proc/locks. (Opening the
// file to ask with F_GETLK would not do: closing any descriptor of a file
// drops all of this process's locks on it, SQLite's included.)
struct HeldLock {
    pid_t pid;
    unsigned long long first, last;
};

std::vector<HeldLock> locks_on(const std::string& file) {
    std::vector<HeldLock> held;
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return held;
    std::ifstream in("/proc/locks");
    std::string line;
    while (std::getline(in, line)) {
        if (line.find("->") != std::string::npos) continue;  // a waiter, not a holder
        std::istringstream fields(line);
        std::string number, kind, advisory, mode, device, first, last;
        long pid = 0;
        if (!(fields >> number >> kind >> advisory >> mode >> pid >> device >> first >> last))
            continue;
        unsigned major = 0, minor = 0;
        unsigned long long inode = 0;
        if (std::sscanf(device.c_str(), "%x:%x:%llu", &major, &minor, &inode) != 3) continue;
        if (inode != st.st_ino || major != ::major(st.st_dev) || minor != ::minor(st.st_dev))
            continue;
        if (pid <= 0 || pid == ::getpid()) continue;
        held.push_back({static_cast<pid_t>(pid), std::stoull(first),
                        last == "EOF" ? ~0ULL : std::stoull(last)});
    }
    return held;
}

std::optional<pid_t> lock_holder(const std::vector<HeldLock>& held, unsigned long long first,
                                 unsigned long long last) {
    for (const auto& lock : held)
        if (lock.first <= last && first <= lock.last) return lock.pid;
    return std::nullopt;
}

// What keeps the register busy, from the locks SQLite holds on the -shm file
// (WAL mode: byte 120 the write lock, 121 the checkpoint, 122 recovery,
// 123-127 readers) or on the file itself (rollback journal).
std::string busy_holder(const std::string& path) {
    const auto shm = locks_on(path + "-shm");
    if (auto pid = lock_holder(shm, 121, 121))
        return fmt::format("{} is checkpointing it (moving its WAL into the database file)",
                           program_of(*pid));
    if (auto pid = lock_holder(shm, 120, 120))
        return fmt::format("{} is writing to it", program_of(*pid));
    if (auto pid = lock_holder(shm, 122, 122))
        return fmt::format("{} is recovering its WAL", program_of(*pid));
    const auto file = locks_on(path);
    if (auto pid = lock_holder(file, 0x40000000, 0x40000001))
        return fmt::format("{} is writing to it", program_of(*pid));
    if (auto pid = lock_holder(shm, 123, 127))
        return fmt::format("{} is reading it", program_of(*pid));
    if (auto pid = lock_holder(file, 0x40000002, 0x40000000 + 511))
        return fmt::format("{} is reading it", program_of(*pid));
    return "another program is using it";
}

std::string busy_message(const std::string& path, double wait_seconds) {
    return fmt::format("the register {} is busy: {}; it stayed busy for {:g} s",
                       printable(path, 200), busy_holder(path), wait_seconds);
}

// The first directory above the register that this login may not enter.
std::optional<std::string> unenterable_directory(const std::string& path) {
    std::vector<fs::path> chain;
    for (fs::path p = fs::absolute(fs::path(path)).parent_path(); !p.empty(); p = p.parent_path()) {
        chain.push_back(p);
        if (p == p.root_path()) break;
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it)
        if (::access(it->c_str(), X_OK) != 0 && errno != ENOENT) return it->string();
    return std::nullopt;
}

bool on_read_only_filesystem(const std::string& path) {
    struct statvfs fs_info {};
    std::string dir = fs::absolute(fs::path(path)).parent_path().string();
    return ::statvfs(dir.c_str(), &fs_info) == 0 && (fs_info.f_flag & ST_RDONLY);
}

// Out of space where the register lives (less than 64 KiB free), or errno said so.
bool no_space_for(const std::string& path, int system_errno) {
    if (system_errno == ENOSPC || system_errno == EDQUOT) return true;
    struct statvfs fs_info {};
    std::string dir = fs::absolute(fs::path(path)).parent_path().string();
    return ::statvfs(dir.c_str(), &fs_info) == 0 &&
           static_cast<unsigned long long>(fs_info.f_bavail) * fs_info.f_frsize < 64 * 1024;
}

[[noreturn]] void throw_disk_full(const std::string& shown) {
    throw Error(Exit::failure, fmt::format("the disk holding {} is full", shown),
                "free some space (see 'df -h') and run the command again; nothing was written");
}

// A -shm file this login cannot write: left by another login, and SQLite
// needs it to read the register as much as to write it.
std::optional<std::string> stale_shm(const std::string& path) {
    const std::string shm = path + "-shm";
    struct stat st {};
    if (::stat(shm.c_str(), &st) != 0) return std::nullopt;
    if (::access(shm.c_str(), R_OK | W_OK) == 0) return std::nullopt;
    return shm;
}

[[noreturn]] void throw_denied(const std::string& path, const std::string& reason) {
    const std::string shown = printable(path, 200);
    if (auto dir = unenterable_directory(path))
        throw Error(Exit::denied,
                    fmt::format("you may not enter the directory {}, which holds the register {}",
                                printable(*dir, 200), shown),
                    "ask its owner for access to the directory (execute permission), or run "
                    "the command as a login that has it");
    if (on_read_only_filesystem(path))
        throw Error(Exit::denied,
                    fmt::format("the register {} is on a read-only filesystem", shown),
                    "remount it read-write, or copy the register to a writable place and give "
                    "--db; commands that only read need the directory writable too (WAL)");
    if (auto shm = stale_shm(path))
        throw Error(Exit::denied,
                    fmt::format("the register's shared-memory file {} is read-only for you; it "
                                "was left by another login",
                                printable(*shm, 200)),
                    "when no caseload is running, its owner may remove it, or give it the "
                    "register's owner and mode (chmod 600, or 660 for a shared register)");
    throw Error(Exit::denied, reason,
                "run the command as the login that owns it, or ask its owner for read and "
                "write access to the file and its directory");
}

}  // namespace

std::vector<std::string> files_open_to_others(const std::string& path) {
    std::vector<std::string> loose;
    for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
        struct stat st {};
        if (::stat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0007))
            loose.push_back(
                fmt::format("{} (mode {:04o})", printable(file, 200), st.st_mode & 07777));
    }
    return loose;
}

[[noreturn]] void rethrow_sqlite(const std::exception& e, const std::string& path,
                                 double wait_seconds) {
    const auto* sql = dynamic_cast<const SQLite::Exception*>(&e);
    if (!sql) throw Error(Exit::failure, e.what());
    std::string shown = printable(path, 200);
    const int extended = sql->getExtendedErrorCode();
    const int saved_errno = errno;
    switch (sql->getErrorCode() & 0xFF) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            throw Error(Exit::busy, busy_message(path, wait_seconds),
                        "try again later, or give --wait SECONDS to wait longer");
        case SQLITE_READONLY:
            if (on_read_only_filesystem(path) || stale_shm(path)) throw_denied(path, "");
            throw Error(Exit::denied, fmt::format("the register {} is read-only for you", shown),
                        "ask its owner for write access (the file and its directory must be "
                        "writable), or use a command that only reads");
        case SQLITE_NOTADB:
            throw Error(Exit::invalid, fmt::format("{} is not an SQLite database", shown),
                        "check --db or CASELOAD_DB; 'caseload init' creates a register");
        case SQLITE_CANTOPEN:
            // The OS refusing the file is a matter of rights (exit 6), not a
            // missing file: a register is mode 0600, its owner's alone.
            if (unenterable_directory(path) || on_read_only_filesystem(path) || stale_shm(path))
                throw_denied(path, "");
            if (::access(path.c_str(), R_OK | W_OK) != 0 && (errno == EACCES || errno == EPERM))
                throw_denied(path, fmt::format("you may not open the register {}: {}", shown,
                                               std::strerror(errno)));
            if (no_space_for(path, saved_errno)) throw_disk_full(shown);
            throw Error(Exit::not_found, fmt::format("cannot open the register {}", shown),
                        "check that the file and its directory exist and that you may read "
                        "and write them");
        case SQLITE_FULL:
            throw_disk_full(shown);
        case SQLITE_CORRUPT:
            throw Error(Exit::invalid, "the register is damaged: run caseload db check",
                        fmt::format("the register is {}; nothing was written; restore it from a "
                                    "backup if 'caseload db check' fails",
                                    shown));
        case SQLITE_IOERR:
            if (no_space_for(path, saved_errno)) throw_disk_full(shown);
            if (extended == SQLITE_IOERR_SHMOPEN || extended == SQLITE_IOERR_SHMSIZE ||
                extended == SQLITE_IOERR_SHMMAP || extended == SQLITE_IOERR_SHMLOCK) {
                if (stale_shm(path) || on_read_only_filesystem(path)) throw_denied(path, "");
                throw Error(Exit::failure,
                            fmt::format("cannot use the shared-memory file {}-shm: {}", shown,
                                        sql->getErrorStr()),
                            "check the disk space and that the directory is writable");
            }
            [[fallthrough]];
        default:
            throw Error(Exit::failure,
                        fmt::format("database error on {}: {}", shown, sql->getErrorStr()),
                        "run 'caseload db check'; if this keeps happening, report it");
    }
}

std::optional<Error> storage_failure(const std::exception& e, const std::string& path,
                                     double wait_seconds) {
    if (!dynamic_cast<const SQLite::Exception*>(&e)) return std::nullopt;
    try {
        rethrow_sqlite(e, path, wait_seconds);
    } catch (const Error& mapped) {
        return mapped;
    }
}

Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

Database::Database(std::string path, double wait_seconds, int flags)
    : path_(std::move(path)), wait_seconds_(wait_seconds) {
    db_ = std::make_unique<SQLite::Database>(path_, flags, busy_timeout_ms(wait_seconds));
}

void Database::configure_connection() {
    // Per connection: these are not stored in the file.
    db_->exec("PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA synchronous = FULL;");
}

namespace {

[[noreturn]] void throw_not_sqlite(const std::string& path, std::string_view what) {
    throw Error(Exit::invalid,
                fmt::format("{} is not an SQLite database{}", printable(path, 200), what),
                "check --db or CASELOAD_DB; 'caseload init' creates a register");
}

// Before SQLite sees the file: a path that is no register is named as such,
// and SQLite never leaves a -wal or -shm beside a file that is not its own
// (nor blocks on a FIFO).
void require_sqlite_file(const std::string& path) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory) {
        if (ec == std::errc::permission_denied) throw_denied(path, "");
        throw Error(Exit::failure,
                    fmt::format("cannot look at {}: {}", printable(path, 200), ec.message()),
                    "check the path given with --db or CASELOAD_DB");
    }
    if (!fs::exists(status))
        throw Error(Exit::not_found,
                    fmt::format("there is no register at {}", printable(path, 200)),
                    "create one with 'caseload init --organisation NAME --lead USERNAME', or "
                    "point --db or CASELOAD_DB at an existing register");
    if (fs::is_directory(status))
        throw Error(
            Exit::invalid, fmt::format("{} is a directory, not a register", printable(path, 200)),
            "give the path of the register file itself, e.g. --db /var/lib/caseload/caseload.db");
    if (fs::is_fifo(status)) throw_not_sqlite(path, " (it is a FIFO)");
    if (fs::is_character_file(status) || fs::is_block_file(status))
        throw_not_sqlite(path, " (it is a device)");
    if (!fs::is_regular_file(status)) throw_not_sqlite(path, " (it is not a regular file)");
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;  // SQLite's own open says why (rights: exit 6)
    char header[16] = {};
    const ssize_t got = ::read(fd, header, sizeof header);
    ::close(fd);
    if (got == 0) throw_not_sqlite(path, " (the file is empty)");
    if (got != static_cast<ssize_t>(sizeof header) ||
        std::memcmp(header, "SQLite format 3", sizeof header) != 0)
        throw_not_sqlite(path, "");
}

}  // namespace

Database Database::open(const std::string& path, double wait_seconds, bool allow_old) {
    require_sqlite_file(path);
    try {
        Database db(path, wait_seconds, SQLite::OPEN_READWRITE);
        db.configure_connection();
        int app_id = db.sql().execAndGet("PRAGMA application_id").getInt();
        int version = db.schema_version();
        if (app_id != kApplicationId)
            throw Error(Exit::invalid,
                        fmt::format("{} is an SQLite database but not a caseload register",
                                    printable(path, 200)),
                        "check --db or CASELOAD_DB; 'caseload init' creates a register");
        if (version > kSchemaVersion)
            throw Error(Exit::invalid,
                        fmt::format("the register {} has schema version {}, newer than this "
                                    "caseload knows ({})",
                                    printable(path, 200), version, kSchemaVersion),
                        "use a newer caseload with this register; it was not changed");
        if (version < kSchemaVersion && !allow_old)
            throw Error(Exit::conflict,
                        fmt::format("the register {} has schema version {}; this caseload needs "
                                    "version {}",
                                    printable(path, 200), version, kSchemaVersion),
                        "run 'caseload db backup FILE' and then 'caseload db upgrade'");
        db.ensure_wal();
        if (version == kSchemaVersion) db.finish_pending_scrub();
        return db;
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        rethrow_sqlite(e, path, wait_seconds);
    }
}

namespace {

// Why a new register could not be made, as an exit code: a place the user may
// not write is "denied"; a path that cannot hold a file (a file where a
// directory should be, a name too long) is bad input; the rest is a failure.
Exit creation_refusal(int error) {
    switch (error) {
        case EACCES:
        case EPERM:
        case EROFS:
            return Exit::denied;
        case ENOTDIR:
        case ENAMETOOLONG:
        case ENOENT:
        case EISDIR:
            return Exit::invalid;
        default:
            return Exit::failure;
    }
}

}  // namespace

Database Database::create(const std::string& path, double wait_seconds) {
    fs::path file(path);
    std::error_code ec;
    if (fs::exists(file, ec))
        throw Error(Exit::conflict, fmt::format("{} already exists", printable(path, 200)),
                    "a register is created once; use it with --db, or choose another path");
    if (file.has_parent_path() && !fs::exists(file.parent_path(), ec)) {
        fs::create_directories(file.parent_path(), ec);
        if (ec)
            throw Error(creation_refusal(ec.value()),
                        fmt::format("cannot create the directory {}: {}",
                                    printable(file.parent_path().string(), 200), ec.message()),
                        "create it yourself, or choose another path with --db");
        // A private directory for a private register.
        fs::permissions(file.parent_path(), fs::perms::owner_all, fs::perm_options::replace, ec);
    }
    // Create the file ourselves so that it is 0600 from its first byte;
    // SQLite gives its -wal and -shm files the same mode.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        throw Error(creation_refusal(errno),
                    fmt::format("cannot create {}: {}", printable(path, 200), std::strerror(errno)),
                    "check that the directory exists and is writable, or choose another path");
    ::fchmod(fd, 0600);
    ::close(fd);
    try {
        Database db(path, wait_seconds, SQLite::OPEN_READWRITE);
        db.sql().exec("PRAGMA journal_mode = WAL");
        db.configure_connection();
        db.sql().exec(fmt::format("PRAGMA application_id = {}", kApplicationId));
        db.upgrade();
        return db;
    } catch (const Error&) {
        fs::remove(path, ec);
        throw;
    } catch (const std::exception& e) {
        fs::remove(path, ec);
        rethrow_sqlite(e, path, wait_seconds);
    }
}

int Database::schema_version() {
    return db_->execAndGet("PRAGMA user_version").getInt();
}

std::pair<int, int> Database::upgrade() {
    WriteTransaction tx(*this);
    int from = schema_version();
    constexpr int kCount = sizeof(schema::kMigrations) / sizeof(schema::kMigrations[0]);
    for (int v = from; v < kCount; ++v) db_->exec(schema::kMigrations[v]);
    db_->exec(fmt::format("PRAGMA user_version = {}", kCount));
    tx.commit();
    return {from, kCount};
}

std::string Database::journal_mode() {
    return ascii_lower(db_->execAndGet("PRAGMA journal_mode").getString());
}

void Database::ensure_wal() {
    std::string mode = journal_mode();
    if (mode == "wal") return;
    // A backup put back with cp is in rollback-journal mode: WAL again, so
    // that readers never block writers. A file we may only read stays as it is.
    journal_mode_found_ = mode;
    if (sqlite3_db_readonly(db_->getHandle(), "main") == 1) return;
    db_->execAndGet("PRAGMA journal_mode = WAL");
}

void Database::mark_scrub_pending() {
    db_->exec(fmt::format("INSERT OR REPLACE INTO scrub_pending (id, since) VALUES (1, '{}')",
                          utc_timestamp()));
}

bool Database::scrub_pending() {
    return db_->execAndGet("SELECT EXISTS (SELECT 1 FROM scrub_pending)").getInt() != 0;
}

void Database::clear_scrub_pending() {
    WriteTransaction tx(*this);
    db_->exec("DELETE FROM scrub_pending");
    tx.commit();
}

namespace {

// The connection's busy timeout set to zero for as long as this lives: a
// checkpoint that cannot finish at once must not wait holding the write lock.
struct NoBusyWait {
    sqlite3* handle;
    int restore_ms;
    NoBusyWait(sqlite3* h, int ms) : handle(h), restore_ms(ms) { sqlite3_busy_timeout(h, 0); }
    ~NoBusyWait() { sqlite3_busy_timeout(handle, restore_ms); }
    NoBusyWait(const NoBusyWait&) = delete;
    NoBusyWait& operator=(const NoBusyWait&) = delete;
};

bool is_busy(int rc) {
    return (rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED;
}

}  // namespace

Scrub Database::scrub(double budget_seconds) {
    sqlite3* handle = db_->getHandle();
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(busy_timeout_ms(budget_seconds));
    Scrub outcome = Scrub::deferred;
    bool emptied = false;
    {
        NoBusyWait no_wait(handle, busy_timeout_ms(wait_seconds_));
        int committed_frames = -1;  // the WAL's length just after our commit
        auto pause = std::chrono::milliseconds(5);
        while (true) {
            // PASSIVE takes no write lock: it copies what no reader still needs.
            int frames = -1, copied = -1;
            int rc = sqlite3_wal_checkpoint_v2(handle, nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames,
                                               &copied);
            if (rc == SQLITE_OK && frames < 0) {
                emptied = true;  // not in WAL mode (a read-only copy): no WAL to empty
                break;
            }
            if ((rc == SQLITE_OK || is_busy(rc)) && frames >= 0) {
                if (committed_frames < 0) committed_frames = frames;
                // A shorter WAL was restarted after it was all copied.
                const bool old_pages_needed =
                    frames >= committed_frames && copied < frames && copied < committed_frames;
                outcome = old_pages_needed ? Scrub::reader : Scrub::deferred;
                if (!old_pages_needed && rc == SQLITE_OK) {
                    // TRUNCATE takes the write lock only if free, and fails at
                    // once if a reader is still in the WAL.
                    rc = sqlite3_wal_checkpoint_v2(handle, nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                                   nullptr, nullptr);
                    if (rc == SQLITE_OK) {
                        emptied = true;
                        break;
                    }
                }
            }
            if (rc != SQLITE_OK && !is_busy(rc)) {
                if ((rc & 0xFF) == SQLITE_FULL || no_space_for(path_, sqlite3_system_errno(handle)))
                    return Scrub::no_space;
                throw SQLite::Exception(handle, rc);
            }
            if (std::chrono::steady_clock::now() + pause > deadline) break;
            std::this_thread::sleep_for(pause);
            pause = std::min(pause * 2, std::chrono::milliseconds(50));
        }
    }
    if (!emptied) return outcome;
    if (scrub_pending()) {
        // The mark's removal is one more small commit: empty the WAL again if
        // that can be done at once (it holds no old bytes either way).
        try {
            clear_scrub_pending();
        } catch (const std::exception&) {
            return Scrub::done;  // the bytes are gone; a later command removes the mark
        }
        NoBusyWait no_wait(handle, busy_timeout_ms(wait_seconds_));
        sqlite3_wal_checkpoint_v2(handle, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    }
    return Scrub::done;
}

void Database::finish_pending_scrub() {
    // Best effort and without waiting: a command must not fail or slow down
    // because a scrub left by an earlier one cannot be finished yet.
    try {
        if (sqlite3_db_readonly(db_->getHandle(), "main") == 1 || !scrub_pending()) return;
        scrub(0);
    } catch (const std::exception&) {
    }
}

WriteTransaction::WriteTransaction(Database& db) : db_(db) {
    try {
        db_.sql().exec("BEGIN IMMEDIATE");
    } catch (const std::exception& e) {
        rethrow_sqlite(e, db_.path(), db_.wait_seconds());
    }
}

WriteTransaction::~WriteTransaction() {
    if (!done_) {
        try {
            db_.sql().exec("ROLLBACK");
        } catch (...) {
            // Nothing to do: SQLite rolls back an unfinished transaction itself.
        }
    }
}

void WriteTransaction::commit() {
    db_.sql().exec("COMMIT");
    done_ = true;
}

}  // namespace caseload
