#include "reports/cli/worker.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>

#include "reports/run_json.h"

namespace vsrsim::reports {

namespace {

constexpr std::string_view kCrashRecord = "!crash ";
constexpr std::string_view kStderrRecord = "!stderr ";
constexpr int kFatalSignals[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};

// The result pipe, for the signal handler: the only state it reads.
int g_crash_fd = -1;

// Moves all `size` bytes with read(2) or write(2), resuming after partial transfers and
// interruptions; false at the end of the pipe or on an error. Async-signal-safe.
template <typename Byte, typename Io>
bool TransferAll(Io io, int fd, Byte* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = io(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool WriteAll(int fd, const char* data, std::size_t size) {
  return TransferAll(::write, fd, data, size);
}

bool ReadAll(int fd, char* data, std::size_t size) { return TransferAll(::read, fd, data, size); }

// Async-signal-safe: write(2) and stack buffers only. si_code > 0 means the kernel raised the
// signal for a fault of this process; otherwise the sender's pid tells who sent it (abort() and
// raise() send it to themselves).
void OnFatalSignal(int signal, siginfo_t* info, void*) {
  const bool own = info->si_code > 0 || info->si_pid == ::getpid();
  if (own && g_crash_fd >= 0) {
    char line[32];
    std::size_t n = 0;
    for (const char c : kCrashRecord) line[n++] = c;
    char digits[12];
    std::size_t count = 0;
    for (int value = signal; value > 0 || count == 0; value /= 10) {
      digits[count++] = static_cast<char>('0' + value % 10);
    }
    while (count > 0) line[n++] = digits[--count];
    line[n++] = '\n';
    (void)WriteAll(g_crash_fd, line, n);
  }
  // SA_RESETHAND restored the default action; the signal, pending until this handler returns, then
  // ends the process with it (a fault would also recur on return).
  ::raise(signal);
}

void ArmCrashHandlers(int result_fd) {
  g_crash_fd = result_fd;
  // Its own stack, so a stack overflow can still report.
  static char alternate_stack[1 << 16];
  stack_t stack{};
  stack.ss_sp = alternate_stack;
  stack.ss_size = sizeof(alternate_stack);
  ::sigaltstack(&stack, nullptr);
  struct sigaction action {};
  action.sa_sigaction = OnFatalSignal;
  action.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  for (const int signal : kFatalSignals) ::sigaction(signal, &action, nullptr);
}

// What the item printed to stderr, as a stderr record line (backslash and newline escaped), or ""
// when it printed nothing.
std::string StderrRecord() {
  const std::string text = ReadStderrFile(STDERR_FILENO);
  if (text.empty()) return "";
  std::string record(kStderrRecord);
  for (const char c : text) {
    if (c == '\\') {
      record += "\\\\";
    } else if (c == '\n') {
      record += "\\n";
    } else {
      record += c;
    }
  }
  return record + "\n";
}

}  // namespace

std::string ReadStderrFile(int fd) {
  struct stat info {};
  if (::fstat(fd, &info) != 0 || info.st_size <= 0) return "";
  std::string text(static_cast<std::size_t>(info.st_size), '\0');
  const ssize_t n = ::pread(fd, text.data(), text.size(), 0);
  text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return text;
}

void WorkerMain(const WorkerPipes& pipes, const std::function<sim::RunResult(std::size_t)>& body) {
  ::signal(SIGINT, SIG_IGN);  // The parent decides when a sweep stops (Ctrl-C reaches the group).
  ::signal(SIGTERM, SIG_DFL);
  ::signal(SIGPIPE, SIG_DFL);
  ::dup2(pipes.stderr_fd, STDERR_FILENO);
  ::close(pipes.stderr_fd);
  ArmCrashHandlers(pipes.result_fd);
  for (;;) {
    std::uint64_t item = 0;
    if (!ReadAll(pipes.command_fd, reinterpret_cast<char*>(&item), sizeof(item))) ::_exit(0);
    // Each item's stderr starts empty, so the parent reads only this item's.
    if (::ftruncate(STDERR_FILENO, 0) != 0 || ::lseek(STDERR_FILENO, 0, SEEK_SET) != 0) {
      ::_exit(74);
    }
    const sim::RunResult result = body(static_cast<std::size_t>(item));
    std::fflush(stderr);
    const std::string line = StderrRecord() + PoolRunJson(result).dump() + "\n";
    if (!WriteAll(pipes.result_fd, line.data(), line.size())) ::_exit(0);
  }
}

bool SendItems(int command_fd, std::span<const std::size_t> items) {
  std::vector<std::uint64_t> indexes(items.begin(), items.end());
  return WriteAll(command_fd, reinterpret_cast<const char*>(indexes.data()),
                  indexes.size() * sizeof(std::uint64_t));
}

bool ParseStderrRecord(std::string_view line, std::string& text) {
  if (line.substr(0, kStderrRecord.size()) != kStderrRecord) return false;
  line.remove_prefix(kStderrRecord.size());
  text.clear();
  for (std::size_t i = 0; i < line.size(); i++) {
    if (line[i] == '\\' && i + 1 < line.size()) {
      text += line[++i] == 'n' ? '\n' : line[i];
    } else {
      text += line[i];
    }
  }
  return true;
}

std::optional<int> ParseCrashRecord(std::string_view line) {
  if (line.substr(0, kCrashRecord.size()) != kCrashRecord) return std::nullopt;
  line.remove_prefix(kCrashRecord.size());
  int signal = 0;
  const auto [end, error] = std::from_chars(line.data(), line.data() + line.size(), signal);
  if (error != std::errc() || end != line.data() + line.size()) return std::nullopt;
  return signal;
}

}  // namespace vsrsim::reports
