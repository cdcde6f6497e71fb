#include "reports/cli/isolate.h"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <optional>
#include <string_view>

#include "reports/cli/worker.h"
#include "reports/run_json.h"

namespace vsrsim::reports {

std::uint64_t MonotonicMs() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1000 +
         static_cast<std::uint64_t>(now.tv_nsec) / 1'000'000;
}

namespace {

std::string LastLine(const std::string& text) {
  std::size_t end = text.size();
  while (end > 0 && text[end - 1] == '\n') end--;
  const std::size_t start = text.rfind('\n', end == 0 ? 0 : end - 1);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1));
}

// The line that says why a run aborted: its assertion's, where there is one (an assertion hook
// may print after it), else the last line.
std::string AbortLine(const std::string& text) {
  const std::size_t at = text.rfind("assertion failed:");
  if (at == std::string::npos) return LastLine(text);
  const std::size_t end = text.find('\n', at);
  return LastLine(text.substr(0, end == std::string::npos ? text.size() : end));
}

// A planted stall for the crash-isolation tests (reports/cli_test.sh), read only by a worker:
// VSRSIM_PLANT_STALL=SEED:FILE makes a run of SEED, while FILE does not exist, write the worker's
// pid into FILE and wait to be killed (or timed out).
void MaybePlantedStall(std::uint64_t seed) {
  const char* plant = std::getenv("VSRSIM_PLANT_STALL");
  if (plant == nullptr) return;
  const std::string_view text(plant);
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || text.substr(0, colon) != std::to_string(seed)) return;
  const std::string path(text.substr(colon + 1));
  if (::access(path.c_str(), F_OK) == 0) return;
  const std::string temporary = fmt::format("{}.tmp.{}", path, ::getpid());
  if (std::FILE* file = std::fopen(temporary.c_str(), "w")) {
    fmt::print(file, "{}\n", ::getpid());
    std::fclose(file);
    std::rename(temporary.c_str(), path.c_str());
  }
  for (;;) ::pause();
}

[[noreturn]] void Fatal(const char* what) {
  std::perror(what);
  std::exit(74);
}

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// The parent's end of one worker.
struct Worker {
  pid_t pid = -1;
  int command = -1;  // Item indices to the worker.
  int result = -1;   // Result lines and crash records from the worker.
  int err = -1;      // The memory file the worker's stderr goes to.
  std::string lines;
  // Items sent, in order: the front one runs, the others wait in the command pipe, so the worker
  // never waits for the parent between two items.
  std::deque<std::size_t> items;
  std::string item_stderr;        // The running item's stderr, from a stderr record.
  std::uint64_t deadline_ms = 0;  // Of the front item.
  bool timed_out = false;
  int crash_signal = 0;  // From a crash record: the worker raised this signal itself.
};

// Items a worker holds at once: one running, the rest waiting in its command pipe. A worker is
// topped up once it holds kRefillAt or fewer, with one write for all the items sent: the parent
// made a system call per seed for its command alone, and the parent's CPU is what a second job
// competes with. Few enough that the last items of a sweep do not wait long behind one worker.
constexpr std::size_t kItemsPerWorker = 8;
constexpr std::size_t kRefillAt = kItemsPerWorker / 2;

class Pool {
 public:
  Pool(std::size_t count, const PoolOptions& options,
       const std::function<sim::RunOptions(std::size_t)>& options_of,
       const std::function<sim::RunResult(std::size_t)>& body,
       const std::function<void(std::size_t, IsolatedRun&&)>& done)
      : options_(options),
        options_of_(options_of),
        body_(body),
        done_(done),
        workers_(std::min(count, std::max<std::size_t>(options.jobs, 1))),
        runs_(count, 0) {
    for (std::size_t i = 0; i < count; i++) queue_.push_back(i);
    // A write to the command pipe of a worker that just died must fail, not kill the parent.
    ::sigaction(SIGPIPE, nullptr, &sigpipe_);
    ::signal(SIGPIPE, SIG_IGN);
  }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;
  ~Pool() {
    Shutdown(true);
    ::sigaction(SIGPIPE, &sigpipe_, nullptr);
  }

  void Run(const std::function<bool()>& stop);

 private:
  void Spawn(Worker& worker);
  void Assign(Worker& worker);
  void Start(Worker& worker);
  void Read(Worker& worker);
  void Reap(Worker& worker);
  IsolatedRun Abnormal(const Worker& worker, int status, std::size_t item) const;
  bool Busy() const;
  void Shutdown(bool kill);

  PoolOptions options_;
  const std::function<sim::RunOptions(std::size_t)>& options_of_;
  const std::function<sim::RunResult(std::size_t)>& body_;
  const std::function<void(std::size_t, IsolatedRun&&)>& done_;
  std::vector<Worker> workers_;
  std::deque<std::size_t> queue_;   // Items not started yet (a killed item goes back in front).
  std::vector<std::uint8_t> runs_;  // Times each item was started.
  struct sigaction sigpipe_ {};     // The caller's SIGPIPE action, restored at the end.
};

void Pool::Spawn(Worker& worker) {
  int command[2];
  int result[2];
  if (::pipe(command) != 0 || ::pipe(result) != 0) Fatal("vsrsim: pipe");
  const int err = ::memfd_create("vsrsim-worker-stderr", 0);
  if (err < 0) Fatal("vsrsim: memfd_create");
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) Fatal("vsrsim: fork");
  if (pid == 0) {
    // A worker dies with its parent, so a hanging seed never outlives an interrupted sweep.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(0);
    for (Worker& other : workers_) {
      CloseFd(other.command);
      CloseFd(other.result);
      CloseFd(other.err);
    }
    ::close(command[1]);
    ::close(result[0]);
    WorkerMain({.command_fd = command[0], .result_fd = result[1], .stderr_fd = err},
               [this](std::size_t item) {
                 MaybePlantedStall(options_of_(item).seed);
                 return body_(item);
               });
  }
  ::close(command[0]);
  ::close(result[1]);
  worker = Worker{};
  worker.pid = pid;
  worker.command = command[1];
  worker.result = result[0];
  worker.err = err;
}

// Tops the worker up to kItemsPerWorker items, in one write. A worker that died takes no more
// (the write fails, and none of the batch counts as sent: the dead worker ran none of it): Reap
// sees its end and puts its items back.
void Pool::Assign(Worker& worker) {
  if (worker.pid < 0) Spawn(worker);
  // At most a fair share of what is left, so a small pool (explore's batches of 8) still spreads
  // over every worker and the last items of a sweep do not queue behind one.
  const std::size_t share =
      std::max<std::size_t>(1, (queue_.size() + workers_.size() - 1) / workers_.size());
  const std::size_t count = std::min(kItemsPerWorker - worker.items.size(), share);
  if (count == 0) return;
  std::vector<std::size_t> batch(queue_.begin(),
                                 queue_.begin() + static_cast<std::ptrdiff_t>(count));
  if (!SendItems(worker.command, batch)) return;
  const bool idle = worker.items.empty();
  for (const std::size_t item : batch) {
    queue_.pop_front();
    worker.items.push_back(item);
  }
  if (idle) Start(worker);
}

// The worker's front item starts running (it takes it as soon as the previous one is done).
void Pool::Start(Worker& worker) {
  runs_[worker.items.front()]++;
  worker.deadline_ms = options_.timeout_ms == 0 ? 0 : MonotonicMs() + options_.timeout_ms;
  worker.item_stderr.clear();
  worker.crash_signal = 0;
}

// Reads what is ready: a result line completes the worker's front item; a stderr record and a
// crash record belong to it.
void Pool::Read(Worker& worker) {
  char buffer[65536];
  const ssize_t n = ::read(worker.result, buffer, sizeof(buffer));
  if (n < 0 && errno == EINTR) return;  // A signal to the parent (SIGINT): poll again.
  if (n <= 0) {
    Reap(worker);
    return;
  }
  worker.lines.append(buffer, static_cast<std::size_t>(n));
  for (std::size_t end; (end = worker.lines.find('\n')) != std::string::npos;) {
    const std::string line = worker.lines.substr(0, end);
    worker.lines.erase(0, end + 1);
    if (const std::optional<int> signal = ParseCrashRecord(line)) {
      worker.crash_signal = *signal;
      continue;
    }
    if (ParseStderrRecord(line, worker.item_stderr) || worker.items.empty()) continue;
    const std::size_t item = worker.items.front();
    IsolatedRun run;
    run.child_stderr = std::move(worker.item_stderr);
    run.result = ParseRunJson(nlohmann::json::parse(line), options_of_(item));
    worker.items.pop_front();
    if (!worker.items.empty()) Start(worker);
    done_(item, std::move(run));
  }
}

IsolatedRun Pool::Abnormal(const Worker& worker, int status, std::size_t item) const {
  IsolatedRun run;
  run.child_stderr = ReadStderrFile(worker.err);
  run.child_exit = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
  run.result.options = options_of_(item);
  sim::RunResult& result = run.result;
  const int signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  const std::string reason = WIFSIGNALED(status)
                                 ? fmt::format("signal {} ({})", signal, ::strsignal(signal))
                                 : fmt::format("exit status {}", WEXITSTATUS(status));
  if (worker.timed_out) {
    result.outcome = sim::Outcome::kTimeout;
    result.checker = "timeout";
    result.message =
        fmt::format("the seed ran longer than {} ms of wall time", options_.timeout_ms);
  } else if (WIFSIGNALED(status) && worker.crash_signal == 0) {
    result.outcome = sim::Outcome::kKilled;
    result.checker = "killed";
    result.message = fmt::format(
        "the worker running the seed was killed by {}, which it did not raise itself (a kill "
        "from outside or the OOM killer), on its run and its re-run: not the seed's fault; run "
        "it again",
        reason);
  } else {
    result.outcome = sim::Outcome::kCrash;
    result.checker = "crash";
    const std::string tail = AbortLine(run.child_stderr);
    result.message =
        fmt::format("a replica aborted ({}){}{}", reason, tail.empty() ? "" : ": ", tail);
  }
  return run;
}

// The worker's result pipe closed: it died. Its item gets its outcome (or a re-run), and the
// worker's slot is free for a replacement.
void Pool::Reap(Worker& worker) {
  int status = 0;
  while (::waitpid(worker.pid, &status, 0) < 0 && errno == EINTR) {
  }
  // The items after the front one never started: they go back in front of the queue, in order.
  while (worker.items.size() > 1) {
    queue_.push_front(worker.items.back());
    worker.items.pop_back();
  }
  if (!worker.items.empty()) {
    const std::size_t item = worker.items.front();
    const bool killed = WIFSIGNALED(status) && worker.crash_signal == 0 && !worker.timed_out;
    if (killed && runs_[item] < 2) {
      queue_.push_front(item);
    } else {
      done_(item, Abnormal(worker, status, item));
    }
  }
  CloseFd(worker.command);
  CloseFd(worker.result);
  CloseFd(worker.err);
  worker = Worker{};
}

bool Pool::Busy() const {
  for (const Worker& worker : workers_) {
    if (!worker.items.empty()) return true;
  }
  return false;
}

void Pool::Shutdown(bool kill) {
  for (Worker& worker : workers_) {
    if (worker.pid < 0) continue;
    if (kill) ::kill(worker.pid, SIGKILL);
    CloseFd(worker.command);  // An idle worker exits when its command pipe ends.
    while (::waitpid(worker.pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    CloseFd(worker.result);
    CloseFd(worker.err);
    worker = Worker{};
  }
}

void Pool::Run(const std::function<bool()>& stop) {
  std::vector<pollfd> fds;
  std::vector<Worker*> polled;
  while (!queue_.empty() || Busy()) {
    if (stop()) {
      Shutdown(true);
      return;
    }
    for (Worker& worker : workers_) {
      if (worker.items.size() <= kRefillAt && !queue_.empty()) Assign(worker);
    }
    fds.clear();
    polled.clear();
    int wait_ms = 200;  // Wake up now and then to poll `stop`.
    const std::uint64_t now = MonotonicMs();
    for (Worker& worker : workers_) {
      if (worker.pid < 0) continue;
      fds.push_back({worker.result, POLLIN, 0});
      polled.push_back(&worker);
      if (!worker.items.empty() && worker.deadline_ms != 0) {
        if (now >= worker.deadline_ms && !worker.timed_out) {
          worker.timed_out = true;
          ::kill(worker.pid, SIGKILL);
        }
        wait_ms = std::min(
            wait_ms, static_cast<int>(worker.deadline_ms > now ? worker.deadline_ms - now : 0));
      }
    }
    if (::poll(fds.data(), fds.size(), wait_ms) < 0) continue;
    for (std::size_t i = 0; i < fds.size(); i++) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) Read(*polled[i]);
    }
  }
  Shutdown(false);
}

}  // namespace

void RunPool(std::size_t count, const PoolOptions& pool,
             const std::function<sim::RunOptions(std::size_t)>& options_of,
             const std::function<sim::RunResult(std::size_t)>& body,
             const std::function<void(std::size_t, IsolatedRun&&)>& done,
             const std::function<bool()>& stop) {
  Pool(count, pool, options_of, body, done).Run(stop);
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
