#pragma once
// Several index ranges, each already in ID order (NOCASE), read as one walk
// in that order: a k-way merge over their statements. k is small (an
// actor's caseload and services, by status), so the least is found by a
// linear look. A row in two ranges (on my caseload and in a service I
// manage) comes once.
#include <SQLiteCpp/Statement.h>

#include <memory>
#include <string>
#include <vector>

#include "caseload/text.hpp"

namespace caseload::store {

class MergedWalk {
  public:
    // Column `id_column` of each statement is the ID; `descending`: the
    // statements are ORDER BY uid DESC, and the walk goes from the last ID down.
    MergedWalk(std::vector<std::unique_ptr<SQLite::Statement>> ranges, bool descending,
               int id_column = 0)
        : ranges_(std::move(ranges)), descending_(descending), id_column_(id_column) {
        for (auto& range : ranges_) heads_.push_back(advance(*range));
    }

    // The next row: its statement (read its columns), or nullptr at the end.
    SQLite::Statement* next() {
        if (current_ != kNone) heads_[current_] = advance(*ranges_[current_]);
        current_ = kNone;
        for (std::size_t i = 0; i < ranges_.size(); ++i) {
            if (!heads_[i].live) continue;
            if (current_ == kNone || before(heads_[i].key, heads_[current_].key)) current_ = i;
        }
        if (current_ == kNone) return nullptr;
        // The same row from another range: step that one past it.
        for (std::size_t i = 0; i < ranges_.size(); ++i)
            if (i != current_ && heads_[i].live && heads_[i].key == heads_[current_].key)
                heads_[i] = advance(*ranges_[i]);
        return ranges_[current_].get();
    }

  private:
    struct Head {
        bool live = false;
        std::string key;  // the ID, lower case: NOCASE order
    };
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

    Head advance(SQLite::Statement& range) const {
        if (!range.executeStep()) return {};
        return {true, ascii_lower(range.getColumn(id_column_).getString())};
    }
    bool before(const std::string& x, const std::string& y) const {
        return descending_ ? y < x : x < y;
    }

    std::vector<std::unique_ptr<SQLite::Statement>> ranges_;
    std::vector<Head> heads_;
    bool descending_;
    int id_column_;
    std::size_t current_ = kNone;
};

}  // namespace caseload::store
