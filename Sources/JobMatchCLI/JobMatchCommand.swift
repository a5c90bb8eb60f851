import ArgumentParser
public struct JobMatchCommand: ParsableCommand { public init() {} 
public static let configuration = CommandConfiguration(commandName: "jobmatch") 
public func run() throws {} }
