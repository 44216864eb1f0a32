#pragma once
// An unlinked temporary file, 0600 (it may hold IDs), in TMPDIR or /tmp: the
// streaming import's sorted runs of rows, the rows set aside for generated
// IDs, the ID map and the needs of the rows it writes. Gone when closed, whatever happens.
#include <sys/stat.h>

#include <cstdint>
#include <string>

namespace caseload {

class TempFile {
  public:
    // `what` names the use in the error when the file cannot be made.
    explicit TempFile(const char* what);
    ~TempFile();
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    // Appends at the end; Error(failure) when the disk is full.
    void append(const char* data, std::size_t n);
    // Reads n bytes at `offset`; Error(failure) when they are not there.
    void read(std::uint64_t offset, char* out, std::size_t n) const;
    std::uint64_t size() const { return size_; }

  private:
    int fd_ = -1;
    std::uint64_t size_ = 0;
};

// The streaming import's input, watched: the rows travel with their keys
// (import/stream.cpp), so the input is read once and never again; a regular
// file that changed by the end of the import (size, time of change, inode)
// is refused, so that what was imported is the file as it is. A pipe or a
// terminal has nothing to watch.
class UnchangedInput {
  public:
    // `fd`: the input's descriptor (-1: none); `name` names it in messages.
    UnchangedInput(int fd, std::string name);
    // Error(failure) when the regular file has changed since construction.
    void check_unchanged() const;

  private:
    int fd_ = -1;
    struct stat first_ {};
    std::string name_;
};

}  // namespace caseload
