#pragma once
// An unlinked temporary file, 0600 (it may hold IDs), in TMPDIR or /tmp: the
// streaming import's copy of its input, its sorted runs of keys and the
// needs of the rows it writes. Gone when closed, whatever happens.
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

}  // namespace caseload
