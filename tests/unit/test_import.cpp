// The import engine against a real register in a temporary directory.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "caseload/admin.hpp"
#include "caseload/import.hpp"

using namespace caseload;

namespace {

struct Fixture {
    std::string dir;
    std::string path;
    std::unique_ptr<Register> reg;
    Actor lead;
    std::vector<std::string> problems;
    std::vector<std::string> notes;
    std::vector<std::pair<std::uint64_t, std::string>> generated;
    // Every import needs its IDs confirmed anonymous: most tests confirm.
    bool confirm = true;

    Fixture() {
        char pattern[] = "/tmp/caseload-unit-import-XXXXXX";
        dir = ::mkdtemp(pattern);
        path = dir + "/register.db";
        initialise_register(path, 5, "Test Org", "boss", "Boss", current_os_login());
        reg = std::make_unique<Register>(Register::open(path, 5));
        lead = reg->resolve_actor(std::nullopt);
        add_service(*reg, lead, "HOM", "Hostel", "homelessness");
        reg->reload();
        add_staff(*reg, lead, "wes", "Wes", std::string("wes-login"),
                  RoleChange{false, {"HOM"}, {}});
        add_staff(*reg, lead, "wyn", "Wyn", std::string("wyn-login"),
                  RoleChange{false, {"HOM"}, {}});
        reg->reload();
        // The lead also manages HOM: the service column may then be left out.
        grant_roles(*reg, lead, "boss", RoleChange{false, {}, {"HOM"}});
        reg->reload();
        lead = reg->resolve_actor(std::nullopt);
    }
    ~Fixture() { std::filesystem::remove_all(dir); }

    ImportSummary run(const std::string& text, ImportOptions options = {},
                      const Actor* as = nullptr) {
        problems.clear();
        notes.clear();
        generated.clear();
        ImportHooks hooks;
        hooks.problem = [&](const std::string& p) { problems.push_back(p); };
        hooks.note = [&](const std::string& n) { notes.push_back(n); };
        hooks.before_commit = [&](const ImportSummary& s) {
            if (s.generated_ids)
                for (const auto& g : s.generated_ids->list()) generated.emplace_back(g.line, g.id);
        };
        if (confirm) options.confirm_anonymous = true;
        if (options.source_name == "stdin") options.source_name = "test.csv";
        return import_service_users(*reg, as ? *as : lead, csv::string_reader(text), text.size(),
                                    options, hooks);
    }

    std::string query(const std::string& sql) {
        SQLite::Statement q(reg->db().sql(), sql);
        std::string out;
        while (q.executeStep()) {
            for (int i = 0; i < q.getColumnCount(); ++i) {
                if (i) out += '|';
                out += q.getColumn(i).isNull() ? "NULL" : q.getColumn(i).getString();
            }
            out += '\n';
        }
        return out;
    }
    std::string count() { return query("SELECT count(*) FROM service_user"); }
};

const std::string kHeader = "id,service,keyworker,date_of_birth,age_band,gender,ethnicity,needs\n";

}  // namespace

TEST_CASE("import: rows are written exactly as su add writes them, under one event") {
    Fixture f;
    auto s = f.run(kHeader +
                   "HOM-0001,HOM,wes,02/01/1990,,female,white-irish,rough-sleeping;money\n"
                   "HOM-0002,hom,WYN,,25-34,,,\n");
    CHECK(s.added == 2);
    CHECK(s.committed);
    CHECK(s.refusal == Exit::ok);
    CHECK(f.problems.empty());
    // The same person added through su add's path.
    NewServiceUserInput in;
    in.id = "HOM-0003";
    in.service = "HOM";
    in.keyworker = "wes";
    in.date_of_birth = "1990-01-02";
    in.gender = "female";
    in.ethnicity = "white-irish";
    in.needs = {"money", "rough-sleeping"};
    std::vector<FieldProblem> problems;
    auto v = validate_new_service_user(f.reg->directory(), f.lead.member, f.reg->guard(), in,
                                       today(), problems);
    REQUIRE(v);
    {
        WriteTransaction tx(f.reg->db());
        f.reg->insert(f.lead, *v, std::nullopt);
        tx.commit();
    }
    const std::string columns =
        "SELECT service_id, keyworker_id, date_of_birth, age_band, gender, ethnicity, status, "
        "left_on, "
        "created_at = updated_at, (SELECT group_concat(need_id) FROM (SELECT need_id FROM su_need "
        "WHERE su_id = service_user.id ORDER BY need_id)) FROM service_user WHERE uid = ";
    CHECK(f.query(columns + "'HOM-0001'") == f.query(columns + "'HOM-0003'"));
    CHECK(
        f.query(columns + "'HOM-0002'").starts_with("1|3|NULL|25-34|NULL|NULL|active|NULL|1|NULL"));
    CHECK(f.query("SELECT count(*), detail FROM event WHERE action = 'su.import'") ==
          "1|2 added from test.csv\n");
    CHECK(f.query("SELECT count(*) FROM service_user WHERE created_event = (SELECT id FROM event "
                  "WHERE action = "
                  "'su.import')") == "2\n");
}

TEST_CASE("import: all or nothing, every bad row reported with its line and column") {
    Fixture f;
    auto s = f.run(
        "\xEF\xBB\xBF"
        "needs,id,keyworker\r\n"
        "money,HOM-0001,wes\r\n"
        "housing,Room12,wes\r\n"
        "\"money\r\n\",HOM-0002,wes\r\n"
        ",HOM-0003,w99\r\n"
        ",HOM-0004,wes\r\n");
    CHECK(s.rows == 5);
    CHECK(s.added == 0);
    CHECK(s.rejected == 2);
    CHECK(s.refusal == Exit::invalid);
    CHECK_FALSE(s.committed);
    REQUIRE(f.problems.size() == 3);
    CHECK(f.problems[0].starts_with("line 3, column id: 'Room12' can't be used as an ID: address"));
    CHECK(f.problems[1].starts_with(
        "line 3, column needs: 'housing' is not a need of the homelessness Star"));
    CHECK(f.problems[2] ==
          "line 6, column keyworker: 'w99' is not a worker of HOM (workers: wes, wyn)");
    CHECK(f.count() == "0\n");
    CHECK(f.query("SELECT count(*) FROM event WHERE action = 'su.import'") == "0\n");
}

TEST_CASE("import: --on-error skip writes the good rows and the rejects file") {
    Fixture f;
    ImportOptions o;
    o.on_error = OnError::skip;
    o.rejects_path = f.dir + "/rejects.csv";
    ImportOptions o2 = o;
    std::string text =
        "keyworker,id,error\nwes,HOM-0001,old reason\nw99,HOM-0002,\nwes,\"HOM 3\",\n";
    CHECK_THROWS_WITH_AS(f.run("id,nope\nX\n", o), doctest::Contains("unknown column 'nope'"),
                         Error);
    auto s = f.run(text, o2);
    CHECK(s.added == 1);
    CHECK(s.rejected == 2);
    CHECK(s.refusal == Exit::ok);
    CHECK(s.rejects_written);
    std::ifstream in(*o.rejects_path);
    std::stringstream content;
    content << in.rdbuf();
    CHECK(content.str() ==
          "line,keyworker,id,error\n"
          "3,w99,HOM-0002,\"keyworker: 'w99' is not a worker of HOM (workers: wes, wyn)\"\n"
          "4,wes,HOM 3,\"id: 'HOM 3' has a space at position 4; an ID may contain only ASCII "
          "letters, "
          "digits, '-', '_' and '.' (choose another ID, or run 'caseload id new' for one that is "
          "safe)\"\n");
    struct stat st {};
    REQUIRE(::stat(o.rejects_path->c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    // An existing rejects file is never replaced without --force (exit 5),
    // and nothing is imported.
    CHECK_THROWS_WITH_AS(
        f.run("id,keyworker\nHOM-0009,wes\n", o),
        doctest::Contains(("rejects file " + *o.rejects_path + " already exists").c_str()), Error);
    CHECK(f.query("SELECT count(*) FROM service_user WHERE uid = 'HOM-0009'") == "0\n");
    // With --force it is replaced, through a temporary file in the same directory.
    o.overwrite_rejects = true;
    s = f.run("id,keyworker\nHOM-0010,w99\n", o);
    CHECK(s.rejects_written);
    std::ifstream again(*o.rejects_path);
    std::stringstream replaced;
    replaced << again.rdbuf();
    CHECK(replaced.str().starts_with("line,id,keyworker,error\n2,HOM-0010,w99,"));
    // No rejects: no file.
    std::filesystem::remove(*o.rejects_path);
    s = f.run("id,keyworker\nHOM-0009,wes\n", o);
    CHECK(s.rejected == 0);
    CHECK_FALSE(std::filesystem::exists(*o.rejects_path));
    std::size_t left = 0;
    for (const auto& e : std::filesystem::directory_iterator(f.dir))
        left += e.path().filename().string().starts_with(".rejects.csv.");
    CHECK(left == 0);  // no temporary file left behind
}

TEST_CASE("import: IDs are unique within the file, in any case; the first line wins") {
    Fixture f;
    ImportOptions o;
    o.on_error = OnError::skip;
    auto s = f.run("id,keyworker\nHOM-0001,wes\nhom-0001,wyn\nHOM-0002,wes\nHOM-0001,wes\n", o);
    CHECK(s.added == 2);
    CHECK(s.rejected == 2);
    REQUIRE(f.problems.size() == 2);
    CHECK(f.problems[0] ==
          "line 3, column id: 'hom-0001' is already on line 2 of this file (as 'HOM-0001'; IDs "
          "ignore case)");
    CHECK(f.problems[1] == "line 5, column id: 'HOM-0001' is already on line 2 of this file");
    CHECK(f.query("SELECT uid, keyworker_id FROM service_user ORDER BY uid") ==
          "HOM-0001|2\nHOM-0002|2\n");
}

TEST_CASE("import: --skip-existing makes re-runs safe; different data is a conflict") {
    Fixture f;
    const std::string text =
        kHeader + "HOM-0001,HOM,wes,,25-34,male,,money\nHOM-0002,HOM,wyn,,,,,\n";
    CHECK(f.run(text).added == 2);
    // Again without --skip-existing: conflicts, exit 5, nothing written.
    auto s = f.run(text);
    CHECK(s.refusal == Exit::conflict);
    CHECK(s.rejected == 2);
    REQUIRE(f.problems.size() == 2);
    CHECK(f.problems[0].find(
              "the ID 'HOM-0001' is already in use (with the same data: add --skip-existing") !=
          std::string::npos);
    ImportOptions o;
    o.skip_existing = true;
    s = f.run(text, o);
    CHECK(s.added == 0);
    CHECK(s.skipped == 2);
    CHECK(s.refusal == Exit::ok);
    CHECK(f.query("SELECT count(*) FROM event WHERE action = 'su.import'") == "1\n");
    // One row changed, one new, in another case.
    s = f.run(kHeader + "hom-0001,HOM,wes,,25-34,male,,money;self-care\nHOM-0003,HOM,wes,,,,,\n",
              o);
    CHECK(s.refusal == Exit::conflict);
    REQUIRE(f.problems.size() == 1);
    CHECK(f.problems[0] ==
          "line 2, column id: the ID 'hom-0001' is already in use (as 'HOM-0001'; IDs ignore case) "
          "with different data (needs differs)");
    o.on_error = OnError::skip;
    s = f.run(kHeader + "hom-0001,HOM,wes,,25-34,male,,money;self-care\nHOM-0003,HOM,wes,,,,,\n",
              o);
    CHECK(s.added == 1);
    CHECK(s.rejected == 1);
    CHECK(f.count() == "3\n");
}

TEST_CASE("import: --generate-ids fills empty id cells; IDs go out just before the commit") {
    Fixture f;
    ImportOptions o;
    o.generate_ids = true;
    o.dry_run = true;
    auto s = f.run("id,keyworker\n,wes\nHOM-0001,wes\n,wyn\n", o);
    CHECK(s.added == 3);
    CHECK(s.generated == 2);
    CHECK_FALSE(s.committed);
    CHECK(f.generated.empty());
    CHECK(f.count() == "0\n");
    o.dry_run = false;
    s = f.run("keyworker\nwes\nwyn\n", o);
    CHECK(s.committed);
    REQUIRE(f.generated.size() == 2);
    CHECK(f.generated[0].first == 2);
    CHECK(f.generated[1].first == 3);
    CHECK(f.generated[0].second.starts_with("HOM-"));
    CHECK(f.query("SELECT count(*) FROM service_user WHERE uid = '" + f.generated[1].second +
                  "'") == "1\n");
    // Without --generate-ids an empty id is a problem, with the hint.
    o.generate_ids = false;
    s = f.run("id,keyworker\n,wes\n", o);
    REQUIRE(f.problems.size() == 1);
    CHECK(f.problems[0] ==
          "line 2, column id: the ID is empty (give an ID of 3 to 32 characters, or use "
          "--generate-ids)");
}

TEST_CASE("import: guard warnings need --confirm-anonymous when nobody can be asked") {
    Fixture f;
    f.confirm = false;
    auto s = f.run("id,keyworker\nQX-1985,wes\n");
    CHECK(s.refusal == Exit::invalid);
    REQUIRE(f.problems.size() == 1);
    CHECK(f.problems[0].find("'QX-1985' may identify someone") != std::string::npos);
    CHECK(f.problems[0].find("--confirm-anonymous") != std::string::npos);
    ImportOptions o;
    o.confirm_anonymous = true;
    s = f.run("id,keyworker\nQX-1985,wes\n", o);
    CHECK(s.added == 1);
    REQUIRE(f.notes.size() == 1);
    CHECK(f.notes[0].find("(accepted: --confirm-anonymous)") != std::string::npos);
}

TEST_CASE("import: a worker's rows go on their own caseload; naming another keyworker is refused") {
    Fixture f;
    Actor wes = f.reg->resolve_actor(std::string("wes"));
    ImportOptions o;
    o.on_error = OnError::skip;
    auto s = f.run("id,service,keyworker\nHOM-0001,,\nHOM-0002,HOM,wyn\n", o, &wes);
    CHECK(s.added == 1);
    REQUIRE(f.problems.size() == 1);
    CHECK(f.problems[0].starts_with(
        "line 3, column keyworker: a worker's new service users go on their own caseload"));
    CHECK(f.problems[0].find("leave the keyworker column empty") != std::string::npos);
    CHECK(f.query("SELECT keyworker_id FROM service_user") == "2\n");
    // Only denials: the refusal is a denial.
    s = f.run("id,keyworker\nHOM-0005,wyn\n", {}, &wes);
    CHECK(s.refusal == Exit::denied);
}

TEST_CASE("import: JSON lines, with needs as a list or a string") {
    Fixture f;
    ImportOptions o;
    o.format = ImportFormat::jsonl;
    o.on_error = OnError::skip;
    auto s = f.run(
        "{\"id\":\"HOM-0001\",\"keyworker\":\"wes\",\"needs\":[\"money\",\"self-care\"],\"gender\":"
        "null}\n"
        "\n"
        "{\"id\":\"HOM-0002\",\"keyworker\":\"wes\",\"needs\":\"money\",\"colour\":\"red\"}\n"
        "not json\n",
        o);
    CHECK(s.rows == 3);
    CHECK(s.added == 1);
    CHECK(s.rejected == 2);
    REQUIRE(f.problems.size() == 2);
    CHECK(f.problems[0].starts_with("line 3, column colour: is not a field of a service user"));
    CHECK(f.problems[1].starts_with("line 4: is not valid JSON"));
    CHECK(f.query("SELECT count(*) FROM su_need") == "2\n");
}

TEST_CASE("import: what stops the whole import") {
    Fixture f;
    CHECK_THROWS_WITH_AS(f.run(""), doctest::Contains("is empty: there is no header row"), Error);
    CHECK_THROWS_WITH_AS(f.run("service,keyworker\nHOM,wes\n"),
                         doctest::Contains("has no 'id' column"), Error);
    CHECK_THROWS_WITH_AS(f.run("id,ID\n"), doctest::Contains("names the column 'id' twice"), Error);
    CHECK_THROWS_WITH_AS(f.run("id,Colour,size\n"),
                         doctest::Contains("unknown columns 'Colour', 'size'"), Error);
    CHECK_THROWS_WITH_AS(f.run("id,keyworker\nHOM-0001,\"wes\n"),
                         doctest::Contains("line 2, field 2"), csv::FormatError);
    CHECK(f.count() == "0\n");
    // A header alone is an empty import.
    auto s = f.run("id,keyworker\r\n");
    CHECK(s.rows == 0);
    CHECK(s.added == 0);
}

TEST_CASE("import: many rows through several batches and threads keep their order and lines") {
    Fixture f;
    std::string text = "id,keyworker,needs\n";
    const int n = 20000;
    int needs = 0;
    for (int i = 0; i < n; ++i) {
        // Not in ID order; every 997th row is bad.
        int k = (i * 7919) % n;
        const bool bad = i % 997 == 5;
        text += (bad ? "Room" + std::to_string(k) : "HOM-" + std::to_string(100000 + k)) + "," +
                (i % 2 ? "wes" : "wyn") + "," + (i % 3 ? "money;self-care" : "") + "\n";
        if (!bad && i % 3) needs += 2;
    }
    ImportOptions o;
    o.on_error = OnError::skip;
    o.max_problems_shown = 5;
    auto s = f.run(text, o);
    const int bad = (n - 5 + 996) / 997;
    CHECK(s.rejected == static_cast<std::uint64_t>(bad));
    CHECK(s.added == static_cast<std::uint64_t>(n - bad));
    CHECK(s.problems == static_cast<std::uint64_t>(bad));
    REQUIRE(f.problems.size() == 5);
    CHECK(f.problems[0].starts_with("line 7, column id:"));
    CHECK(f.problems[1].starts_with("line 1004, column id:"));
    // Keys follow the ID order; every row's needs point at it.
    CHECK(
        f.query("SELECT count(*) FROM service_user a JOIN service_user b ON b.id = a.id + 1 WHERE "
                "b.uid < a.uid COLLATE NOCASE") == "0\n");
    CHECK(f.query("SELECT count(*) FROM su_need") == std::to_string(needs) + "\n");
    CHECK(f.query("PRAGMA foreign_key_check") == "");
    CHECK(f.query("PRAGMA integrity_check") == "ok\n");
}

TEST_CASE("import: every ID needs confirming, by flag, by a confirmed cell, or at the prompt") {
    Fixture f;
    f.confirm = false;
    auto s = f.run("id,keyworker\nHOM-0001,wes\nHOM-0002,wes\n");
    CHECK(s.refusal == Exit::invalid);
    CHECK(s.unconfirmed == 2);
    CHECK(s.rejected == 2);
    REQUIRE(f.problems.size() == 2);
    CHECK(f.problems[0] ==
          "line 2, column id: 'HOM-0001' was not confirmed as anonymous (give "
          "--confirm-anonymous, or yes in its confirmed column)");
    CHECK(f.count() == "0\n");
    // A confirmed cell confirms its own row only; no says it is not anonymous.
    ImportOptions o;
    o.on_error = OnError::skip;
    s = f.run("id,keyworker,confirmed\nHOM-0001,wes,yes\nHOM-0002,wes,\nHOM-0003,wes,no\n", o);
    CHECK(s.added == 1);
    CHECK(s.rejected == 2);
    CHECK(f.query("SELECT uid FROM service_user") == "HOM-0001\n");
    // Generated IDs need no confirmation, as in su add --generate.
    o.generate_ids = true;
    s = f.run("keyworker\nwes\n", o);
    CHECK(s.added == 1);
    CHECK(s.rejected == 0);
}

TEST_CASE("import: the confirm hook is asked once, with the count of IDs to confirm") {
    Fixture f;
    f.confirm = false;
    ImportHooks hooks;
    std::uint64_t asked = 0, asked_count = 0;
    hooks.confirm = [&](std::uint64_t count, std::uint64_t) {
        ++asked;
        asked_count = count;
        return true;
    };
    ImportOptions o;
    o.source_name = "t.csv";
    const std::string text = "id,keyworker,confirmed\nHOM-0001,wes,\nHOM-0002,wes,yes\n";
    auto s = import_service_users(*f.reg, f.lead, csv::string_reader(text), text.size(), o, hooks);
    CHECK(asked == 1);
    CHECK(asked_count == 1);
    CHECK(s.added == 2);
}

TEST_CASE("import: ref passes through to the generated-ID map; line names the original line") {
    Fixture f;
    ImportOptions o;
    o.generate_ids = true;
    ImportSummary seen;
    ImportHooks hooks;
    hooks.before_commit = [&](const ImportSummary& s) { seen = s; };
    o.source_name = "t.csv";
    o.confirm_anonymous = true;
    const std::string text = "line,ref,keyworker\n17,A-1,wes\n,B-2,wyn\n";
    auto s = import_service_users(*f.reg, f.lead, csv::string_reader(text), text.size(), o, hooks);
    CHECK(s.committed);
    REQUIRE(seen.generated_ids);
    const auto ids = seen.generated_ids->list();
    REQUIRE(ids.size() == 2);
    CHECK(ids[0].line == 17);
    CHECK(ids[0].ref == "A-1");
    CHECK(ids[1].line == 3);
    CHECK(ids[1].ref == "B-2");
    // The ref is never stored.
    CHECK(f.query("SELECT count(*) FROM service_user") == "2\n");
}

TEST_CASE("import: when the before-commit hook throws, nothing is committed") {
    Fixture f;
    ImportOptions o;
    o.generate_ids = true;
    o.confirm_anonymous = true;
    o.source_name = "t.csv";
    ImportHooks hooks;
    hooks.before_commit = [](const ImportSummary&) {
        throw Error(Exit::failure, "could not write");
    };
    const std::string text = "keyworker\nwes\n";
    CHECK_THROWS_AS(
        import_service_users(*f.reg, f.lead, csv::string_reader(text), text.size(), o, hooks),
        Error);
    CHECK(f.count() == "0\n");
}
