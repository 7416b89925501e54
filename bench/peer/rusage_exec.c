/* rusage_exec OUT PROGRAM [ARGS...]: runs PROGRAM with this process's stdin,
 * stdout and stderr, forwards SIGINT/SIGTERM to it, and when it exits appends
 * one line to OUT: "<user+system CPU seconds> <peak RSS KiB>" (getrusage of
 * the child: exact CPU; ru_maxrss is max(this tiny process, the program)).
 * The bench puts it in front of each provider binary so that every provider
 * process a client starts is measured. Exits with the program's status. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t child;
static void forward(int sig) { if (child > 0) kill(child, sig); }

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: rusage_exec OUT PROGRAM [ARGS...]\n");
    return 2;
  }
  child = fork();
  if (child < 0) return 127;
  if (child == 0) {
    execv(argv[2], argv + 2);
    perror("rusage_exec: exec");
    _exit(127);
  }
  signal(SIGINT, forward);
  signal(SIGTERM, forward);
  int status = 0;
  struct rusage ru;
  while (wait4(child, &status, 0, &ru) < 0) {
  }
  FILE* out = fopen(argv[1], "a");
  if (out) {
    double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    fprintf(out, "%.6f %ld\n", cpu, ru.ru_maxrss);
    fclose(out);
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}
