#pragma once
// An unlinked temporary file, 0600 (it may hold IDs), in TMPDIR or /tmp: the
// streaming import's copy of its input, its sorted runs of keys and the
// needs of the rows it writes. Gone when closed, whatever happens.
#include <sys/stat.h>

#include <cstdint>
#include <memory>
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

// The streaming import's input, read once in order and then again by
// offset. A regular file is read again where it is: nothing is copied (no
// second copy of the IDs on disk, no second write of the input), and
// check_unchanged() refuses it if it changed in between. Anything else (a
// pipe, a terminal) is copied to a TempFile as it is first read.
class InputBytes {
  public:
    // `fd` is read from its current offset (-1: nothing to read again; copy);
    // `name` names the input in messages.
    InputBytes(int fd, std::string name);
    InputBytes(const InputBytes&) = delete;
    InputBytes& operator=(const InputBytes&) = delete;

    // Bytes just read in order: copied when there is a copy.
    void append(const char* data, std::size_t n) {
        if (copy_) copy_->append(data, n);
    }
    // n bytes at `offset` from where the first reading started.
    void read(std::uint64_t offset, char* out, std::size_t n) const;
    // Error(failure) when the file read again has changed (size, time of
    // change, inode) since the first reading started.
    void check_unchanged() const;
    bool copied() const { return copy_ != nullptr; }

  private:
    int fd_ = -1;
    std::uint64_t base_ = 0;
    struct stat first_ {};
    std::string name_;
    std::unique_ptr<TempFile> copy_;
};

}  // namespace caseload
