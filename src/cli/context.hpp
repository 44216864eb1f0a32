#pragma once
// What every command handler gets: the global options, the register (opened
// on first use) and the acting staff member.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "caseload/register.hpp"
#include "output.hpp"

namespace caseload::cli {

struct GlobalOptions {
    std::optional<std::string> db;
    std::optional<std::string> as;
    std::string format = "table";
    bool json = false;
    double wait = 5.0;
    bool quiet = false;
    // --format or --json was given: commands that change data print the
    // resulting records only then.
    bool format_given() const { return json || format_set; }
    bool format_set = false;
};

class Context {
  public:
    GlobalOptions global;

    Format format() const;
    std::string database_path() const;
    // Opens the register on first use.
    Register& reg();
    // The acting staff member (spec §4): OS login, or --as / CASELOAD_USER for a lead.
    const Actor& actor();

    // A message on stderr, unless --quiet.
    void note(const std::string& text) const;
    // A warning on stderr, always, and what to do about it when `hint` is
    // given (as an error's hint line).
    void warn(const std::string& text, const std::string& hint = "") const;
    // The warning when others may read the register's files (mode 0644).
    void warn_open_to_others(const std::string& path) const;

    // Spec §2's confirmation: --confirm-anonymous, or a prompt on a terminal,
    // or a refusal with a hint. Shows warnings first.
    void confirm_anonymous(const std::string& id, const std::vector<GuardFinding>& warnings,
                           bool confirmed_by_flag);

    static bool interactive();  // stdin and stderr are terminals

  private:
    std::unique_ptr<Register> register_;
    std::optional<Actor> actor_;
};

// Standard output that cannot be lost silently (issue 16): writes `text`,
// flushes, and throws Error(failure) "could not write WHAT to standard
// output: REASON" (+ `consequence`, e.g. "; nothing was added") when the
// write or the flush failed (a full disk, a closed pipe).
void write_stdout(std::string_view text, const std::string& what,
                  const std::string& consequence = "");
// After every command: stdout flushed and without error, else Error(failure).
void check_stdout();
// Appends `text` to the file at `path` (created 0600) and fsyncs it; throws
// Error(failure) with `consequence` when it cannot. For --ids-to.
void append_synced(const std::string& path, std::string_view text, const std::string& consequence);

// Adds a subcommand with a one-line description and an examples footer.
CLI::App* add_command(CLI::App& parent, const std::string& name, const std::string& description,
                      const std::string& examples);

// Command groups: one file each under src/cli/.
void register_init(CLI::App& app, Context& ctx);
void register_org(CLI::App& app, Context& ctx);
void register_service(CLI::App& app, Context& ctx);
void register_staff(CLI::App& app, Context& ctx);
// Inside the staff group: deactivate, activate (cmd_staff_deactivate.cpp)
void register_staff_deactivate(CLI::App& staff, Context& ctx);
void register_star(CLI::App& app, Context& ctx);
void register_options(CLI::App& app, Context& ctx);
void register_su(CLI::App& app, Context& ctx);
// Inside the su group: rename, allocate, needs, edit, leave, return, erase (cmd_su_records.cpp)
void register_su_records(CLI::App& su, Context& ctx);
// Inside the su group: import, export (cmd_su_bulk.cpp)
void register_su_bulk(CLI::App& su, Context& ctx);
// The filters shared by su list, su export and report.
void add_list_filters(CLI::App* cmd, ServiceUserFilter& filter);
void register_id(CLI::App& app, Context& ctx);
void register_words(CLI::App& app, Context& ctx);
void register_report(CLI::App& app, Context& ctx);
void register_benchmark(CLI::App& app, Context& ctx);
void register_log(CLI::App& app, Context& ctx);
void register_db(CLI::App& app, Context& ctx);
void register_complete(CLI::App& app, Context& ctx);

// JSON form of a service user (spec: the fields of issue 2, in this order).
Json service_user_json(const Register& reg, const ServiceUser& su);
// The service-user object every command prints (man caseload, JSON OUTPUT):
// as service_user_json, with age_band the band a date of birth gives today.
Json service_user_shown(const Register& reg, const ServiceUser& su);
// A service user as write_single prints it, as text.
std::string service_user_text(Format format, const Register& reg, const ServiceUser& su);
extern const std::vector<std::string> kServiceUserFields;

// service_user_shown's fields as cells, in kServiceUserFields order, for a
// RecordWriter that streams many rows; the texts made for them are kept here.
struct ServiceUserCells {
    std::string service, keyworker, age_band, created_at, updated_at;
    std::vector<Cell> cells;
    Date on = today();  // the day age bands are for: one for the whole list
    const std::vector<Cell>& of(const Register& reg, const ServiceUser& su);
};

}  // namespace caseload::cli
