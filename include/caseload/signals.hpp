#pragma once
// Files that must not outlive a command stopped by a signal: a backup's
// partial copy, an import's rejects file.
#include <string>

namespace caseload {

// While it lives, Ctrl-C, kill (SIGTERM), a hang-up or a closed pipe removes
// `path` before the process ends as the signal says. Nothing can be done
// against kill -9: callers name such files so that they can be recognised.
class RemoveOnSignal {
  public:
    explicit RemoveOnSignal(const std::string& path);
    ~RemoveOnSignal();
    // The file is kept from now on (the command has finished with it).
    void release();
    RemoveOnSignal(const RemoveOnSignal&) = delete;
    RemoveOnSignal& operator=(const RemoveOnSignal&) = delete;

  private:
    int slot_ = -1;
};

}  // namespace caseload
