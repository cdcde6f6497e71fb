#include "reports/cli/isolate.h"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "reports/run_json.h"

namespace vsrsim::reports {

namespace {

// Wall-clock milliseconds, for the per-seed timeout only (the CLI's edge, never the simulation).
std::uint64_t MonotonicMs() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1000 +
         static_cast<std::uint64_t>(now.tv_nsec) / 1'000'000;
}

void WriteAll(int fd, const std::string& text) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0) return;
    written += static_cast<std::size_t>(n);
  }
}

std::string LastLines(const std::string& text, std::size_t count) {
  std::size_t position = text.size();
  while (position > 0 && text[position - 1] == '\n') position--;
  const std::size_t end = position;
  for (std::size_t lines = 0; position > 0; position--) {
    if (text[position - 1] == '\n' && ++lines == count) break;
  }
  return text.substr(position, end - position);
}

}  // namespace

IsolatedRun RunIsolated(const sim::RunOptions& options, const std::function<sim::RunResult()>& body,
                        std::uint64_t timeout_ms) {
  int out[2];
  int err[2];
  if (::pipe(out) != 0 || ::pipe(err) != 0) {
    std::perror("vsrsim: pipe");
    std::exit(74);
  }
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::perror("vsrsim: fork");
    std::exit(74);
  }
  if (pid == 0) {
    ::close(out[0]);
    ::close(err[0]);
    ::dup2(err[1], STDERR_FILENO);
    const sim::RunResult result = body();
    WriteAll(out[1], RunJson(result).dump() + "\n");
    std::fflush(stderr);
    ::_exit(0);
  }
  ::close(out[1]);
  ::close(err[1]);
  std::string child_out;
  std::string child_err;
  bool timed_out = false;
  const std::uint64_t deadline = timeout_ms == 0 ? 0 : MonotonicMs() + timeout_ms;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  char buffer[65536];
  while (open_fds > 0) {
    int wait_ms = -1;
    if (deadline != 0) {
      const std::uint64_t now = MonotonicMs();
      if (now >= deadline) {
        timed_out = true;
        ::kill(pid, SIGKILL);
        break;
      }
      wait_ms = static_cast<int>(deadline - now);
    }
    if (::poll(fds, 2, wait_ms) < 0) continue;
    for (pollfd& fd : fds) {
      if (fd.fd < 0 || (fd.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t n = ::read(fd.fd, buffer, sizeof(buffer));
      if (n <= 0) {
        ::close(fd.fd);
        fd.fd = -1;
        open_fds--;
        continue;
      }
      (fd.fd == out[0] ? child_out : child_err).append(buffer, static_cast<std::size_t>(n));
    }
  }
  for (pollfd& fd : fds) {
    if (fd.fd >= 0) ::close(fd.fd);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);

  IsolatedRun run;
  run.child_stderr = child_err;
  run.child_exit = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
  if (!timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0 && !child_out.empty()) {
    run.result = ParseRunJson(nlohmann::json::parse(child_out), options);
    return run;
  }
  run.result.options = options;
  if (timed_out) {
    run.result.outcome = sim::Outcome::kTimeout;
    run.result.checker = "timeout";
    run.result.message = fmt::format("the seed ran longer than {} ms of wall time", timeout_ms);
  } else {
    run.result.outcome = sim::Outcome::kCrash;
    run.result.checker = "crash";
    const std::string reason =
        WIFSIGNALED(status)
            ? fmt::format("signal {} ({})", WTERMSIG(status), ::strsignal(WTERMSIG(status)))
            : fmt::format("exit status {}", WEXITSTATUS(status));
    const std::string tail = LastLines(child_err, 1);
    run.result.message =
        fmt::format("a replica aborted ({}){}{}", reason, tail.empty() ? "" : ": ", tail);
  }
  return run;
}

}  // namespace vsrsim::reports
