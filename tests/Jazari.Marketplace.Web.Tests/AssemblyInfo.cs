// Test collections run one after the other: several hosts in one process share Hangfire's process-wide
// settings (job activator, filters, log provider), and two job hosts running at once took each other's
// jobs. Production runs one host per process, so this is about the tests only.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
