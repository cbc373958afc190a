// `mano`: Mano's command line. Everything lives in Cli.RunAsync so tests can drive it in-process.
return await Mano.Cli.Cli.RunAsync(args);
