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
#include <optional>

#include "reports/run_json.h"

namespace vsrsim::reports {

std::uint64_t MonotonicMs() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1000 +
         static_cast<std::uint64_t>(now.tv_nsec) / 1'000'000;
}

namespace {

void WriteAll(int fd, const std::string& text) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0) return;
    written += static_cast<std::size_t>(n);
  }
}

std::string LastLine(const std::string& text) {
  std::size_t end = text.size();
  while (end > 0 && text[end - 1] == '\n') end--;
  const std::size_t start = text.rfind('\n', end == 0 ? 0 : end - 1);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1));
}

struct Child {
  std::size_t index = 0;
  pid_t pid = -1;
  int out = -1;
  int err = -1;
  std::string out_text;
  std::string err_text;
  std::uint64_t deadline_ms = 0;
  bool timed_out = false;
};

Child Spawn(std::size_t index, const std::function<sim::RunResult(std::size_t)>& body,
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
    ::signal(SIGINT, SIG_IGN);  // The parent decides when a sweep stops.
    const sim::RunResult result = body(index);
    WriteAll(out[1], RunJson(result).dump() + "\n");
    std::fflush(stderr);
    ::_exit(0);
  }
  ::close(out[1]);
  ::close(err[1]);
  Child child;
  child.index = index;
  child.pid = pid;
  child.out = out[0];
  child.err = err[0];
  child.deadline_ms = timeout_ms == 0 ? 0 : MonotonicMs() + timeout_ms;
  return child;
}

IsolatedRun Finish(Child& child, const sim::RunOptions& options, std::uint64_t timeout_ms) {
  int status = 0;
  ::waitpid(child.pid, &status, 0);
  IsolatedRun run;
  run.child_stderr = child.err_text;
  run.child_exit = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
  if (!child.timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
      !child.out_text.empty()) {
    run.result = ParseRunJson(nlohmann::json::parse(child.out_text), options);
    return run;
  }
  run.result.options = options;
  if (child.timed_out) {
    run.result.outcome = sim::Outcome::kTimeout;
    run.result.checker = "timeout";
    run.result.message = fmt::format("the seed ran longer than {} ms of wall time", timeout_ms);
    return run;
  }
  run.result.outcome = sim::Outcome::kCrash;
  run.result.checker = "crash";
  const std::string reason =
      WIFSIGNALED(status)
          ? fmt::format("signal {} ({})", WTERMSIG(status), ::strsignal(WTERMSIG(status)))
          : fmt::format("exit status {}", WEXITSTATUS(status));
  const std::string tail = LastLine(child.err_text);
  run.result.message =
      fmt::format("a replica aborted ({}){}{}", reason, tail.empty() ? "" : ": ", tail);
  return run;
}

// Reads what is ready; returns true when both pipes are closed.
bool Drain(Child& child, const pollfd* fds) {
  char buffer[65536];
  for (int i = 0; i < 2; i++) {
    int& fd = i == 0 ? child.out : child.err;
    if (fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n <= 0) {
      ::close(fd);
      fd = -1;
      continue;
    }
    (i == 0 ? child.out_text : child.err_text).append(buffer, static_cast<std::size_t>(n));
  }
  return child.out < 0 && child.err < 0;
}

}  // namespace

void RunPool(std::size_t count, const PoolOptions& pool,
             const std::function<sim::RunOptions(std::size_t)>& options_of,
             const std::function<sim::RunResult(std::size_t)>& body,
             const std::function<void(std::size_t, IsolatedRun&&)>& done,
             const std::function<bool()>& stop) {
  const std::size_t jobs = pool.jobs == 0 ? 1 : pool.jobs;
  std::vector<Child> running;
  std::size_t next = 0;
  std::vector<pollfd> fds;
  while (next < count || !running.empty()) {
    if (stop()) {
      for (Child& child : running) {
        ::kill(child.pid, SIGKILL);
        ::waitpid(child.pid, nullptr, 0);
        if (child.out >= 0) ::close(child.out);
        if (child.err >= 0) ::close(child.err);
      }
      return;
    }
    while (next < count && running.size() < jobs)
      running.push_back(Spawn(next++, body, pool.timeout_ms));
    fds.clear();
    int wait_ms = 200;  // Wake up now and then to poll `stop`.
    const std::uint64_t now = MonotonicMs();
    for (Child& child : running) {
      fds.push_back({child.out, POLLIN, 0});
      fds.push_back({child.err, POLLIN, 0});
      if (child.deadline_ms != 0) {
        if (now >= child.deadline_ms && !child.timed_out) {
          child.timed_out = true;
          ::kill(child.pid, SIGKILL);
        }
        wait_ms = std::min(wait_ms,
                           static_cast<int>(child.deadline_ms > now ? child.deadline_ms - now : 0));
      }
    }
    if (::poll(fds.data(), fds.size(), wait_ms) < 0) continue;
    for (std::size_t i = 0; i < running.size();) {
      if (Drain(running[i], &fds[2 * i])) {
        Child finished = std::move(running[i]);
        running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
        fds.erase(fds.begin() + static_cast<std::ptrdiff_t>(2 * i),
                  fds.begin() + static_cast<std::ptrdiff_t>(2 * i + 2));
        done(finished.index, Finish(finished, options_of(finished.index), pool.timeout_ms));
      } else {
        i++;
      }
    }
  }
}

IsolatedRun RunIsolated(const sim::RunOptions& options, const std::function<sim::RunResult()>& body,
                        std::uint64_t timeout_ms) {
  std::optional<IsolatedRun> result;
  RunPool(
      1, {.jobs = 1, .timeout_ms = timeout_ms}, [&](std::size_t) { return options; },
      [&](std::size_t) { return body(); },
      [&](std::size_t, IsolatedRun&& run) { result = std::move(run); }, [] { return false; });
  return std::move(*result);
}

}  // namespace vsrsim::reports
