//! One module per subcommand; each returns the exit code.

pub mod bdt;
pub mod build;
pub mod check;
pub mod hook;
pub mod new_version;
pub mod nginx;
pub mod publish;
pub mod serve;

/// Exit codes shared by every command.
pub const EXIT_OK: i32 = 0;
pub const EXIT_PROBLEMS: i32 = 1;
pub const EXIT_FAILURE: i32 = 2;
