// A table of .dockerignore cases: for each, the file tree (paths; a trailing
// '/' marks an empty directory) and which of the paths Docker excludes. Used
// by the unit tests (matcher) and by the docker integration test, which
// checks that the real engine's view of the same context agrees.
#ifndef DCS_TESTS_UNIT_CLIENTS_DOCKER_DOCKERIGNORE_TABLE_H_
#define DCS_TESTS_UNIT_CLIENTS_DOCKER_DOCKERIGNORE_TABLE_H_

#include <string>
#include <utility>
#include <vector>

namespace dcs::buildcontext {

struct IgnoreCase {
  std::string name;
  std::string dockerignore;
  // path -> left out of the context sent to the engine (the walk's pruning
  // included). Every path names a regular file. The Dockerfile and
  // .dockerignore are always sent and not listed here.
  std::vector<std::pair<std::string, bool>> expect;
};

inline std::vector<IgnoreCase> IgnoreTable() {
  return {
      {"star_and_exception", "*.log\n!keep.log\n",
       {{"a.log", true}, {"keep.log", false}, {"d/a.log", false}, {"b.txt", false}}},
      {"parent_directory_rule", "node_modules\n",
       {{"node_modules/a/b.js", true}, {"src/node_modules/x", false}, {"node_modulesx", false}}},
      {"double_star_any_depth", "**/*.tmp\n",
       {{"a.tmp", true}, {"x/a.tmp", true}, {"x/y/a.tmp", true}, {"x/a.tmpl", false}}},
      {"later_rules_win", "!a.txt\n*.txt\n", {{"a.txt", true}, {"b.txt", true}, {"c.md", false}}},
      {"exception_then_reexclude", "*.txt\n!*.txt\nb.txt\n",
       {{"a.txt", false}, {"b.txt", true}}},
      {"leading_slash_and_dot", "/build\n./out/*.o\n",
       {{"build/x", true}, {"out/a.o", true}, {"out/sub/a.o", false}, {"src/build/x", false}}},
      {"everything_but_src", "*\n!src/**\n!Dockerfile\n",
       {{"README", true}, {"src/a.c", false}, {"src/d/b.c", false}, {"lib/x", true}}},
      {"excluded_dir_not_reincluded_by_glob", "docs\n!**/*.md\n",
       {{"docs/x.md", true}, {"docs/x.txt", true}, {"a.md", false}}},
      {"exception_inside_excluded_dir", "vendor\n!vendor/keep\n",
       {{"vendor/keep", false}, {"vendor/drop", true}}},
      {"question_and_class", "file?.txt\n[ab]*.c\n",
       {{"file1.txt", true}, {"file12.txt", false}, {"a1.c", true}, {"c1.c", false}}},
      {"trailing_double_star", "cache/**\n", {{"cache/a", true}, {"cache/b/c", true}, {"cachex", false}}},
      {"dockerfile_excluded", "Dockerfile\n.dockerignore\n*.bak\n",
       {{"x.bak", true}, {"x.c", false}}},
  };
}

}  // namespace dcs::buildcontext

#endif  // DCS_TESTS_UNIT_CLIENTS_DOCKER_DOCKERIGNORE_TABLE_H_
