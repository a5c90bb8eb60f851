package import ArgumentParser
import Foundation
import JobMatchKernels

/// `jobmatch`: the counsellor's command line.
package struct JobMatchCommand: ParsableCommand {
    package init() {}

    package static let configuration = CommandConfiguration(
        commandName: "jobmatch",
        abstract: "Rank open job postings for job seekers, with reasons a counsellor can read aloud.",
        discussion: """
            Quick start (bundled, generated sample data):
              jobmatch demo

            Typical use:
              jobmatch sample --out sample
              jobmatch index --postings sample/postings.jsonl --out sample/index
              jobmatch recommend --index sample/index --seekers sample/seekers.jsonl --seeker S00001 --explain
              jobmatch why-not --index sample/index --seekers sample/seekers.jsonl --seeker S00001 --posting P000123
              jobmatch candidates --index sample/index --seekers sample/seekers.jsonl --posting P000123
              jobmatch search --index sample/index "지게차 물류센터"
              jobmatch stats --index sample/index
              jobmatch batch --index sample/index --seekers sample/seekers.jsonl --out nightly
              jobmatch train --postings sample/postings.jsonl --out Models/lsa-sample --rank 64
              jobmatch serve --data-dir data --port 8080       (HTTP API; keys: jobmatch keys create)

            Input is JSON Lines in the interchange schema (docs/data-format.md). The model (weights, analyzer settings, KECO tables) is Models/default unless --model or JOBMATCH_MODEL says otherwise.
            """,
        version: "jobmatch 0.1.0",
        subcommands: [
            DemoCommand.self, SampleCommand.self, IndexCommand.self, RecommendCommand.self, BatchCommand.self, WhyNotCommand.self, CandidatesCommand.self,
            SearchCommand.self, StatsCommand.self, EvalCommand.self, HygieneCommand.self, CalibrateCommand.self, TuneCommand.self,
            IngestCommand.self, ClosePostingsCommand.self, ReopenPostingsCommand.self, DeleteCommand.self, VerifyCommand.self, CompactCommand.self, SnapshotCommand.self, RestoreCommand.self, TrainCommand.self, DoctorCommand.self, ExportTermsCommand.self,
            ServeCommand.self, KeysCommand.self, AuditCommand.self, OutcomesCommand.self,
        ]
    )
}

/// Options every command that loads a model shares.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "Model directory (default: $JOBMATCH_MODEL, else Models/default found from the working directory or the executable).")
    var model: String?
}


/// Entry point for the `jobmatch` executable.
package enum JobMatchMain {
    package static func run() {
        BLASCoreSelection.ensureBestKernel(arguments: CommandLine.arguments)
        JobMatchCommand.main()
    }
}
