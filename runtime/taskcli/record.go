package taskcli

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"
)

func (r *runner) recordCommand() *cli.Command {
	return &cli.Command{
		Name:  "record",
		Usage: "record the data the task receives, to replay it later",
		Subcommands: []*cli.Command{{
			Name:  "stream",
			Usage: "serve the task for a while and record the points it receives",
			Description: r.help(`Serves the task as "serve" does for --duration, and writes every point it
receives for its databases and retention policies ($DBRP) to FILE, in
Kapacitor's stream recording format (.srpl: gzip-compressed, nanosecond
timestamps). "kapacitor replay" and this binary's replay read it.
SIGINT or SIGTERM end the recording early; the file is still complete.

Example:

   $TASK record stream --duration 60s -o cpu.srpl
   $TASK replay cpu.srpl`),
			Flags: []cli.Flag{
				&cli.DurationFlag{Name: "duration", Value: time.Minute, Usage: "record for `DURATION`, such as 60s or 5m"},
				&cli.StringFlag{Name: "output", Aliases: []string{"o"}, TakesFile: true, Usage: "write the recording to `FILE` (.srpl); required"},
				configFlag(), httpBindFlag(), logLevelFlag(), dataDirFlag(false),
			},
			Action: func(c *cli.Context) error {
				if c.Args().Present() {
					return usageError{fmt.Errorf("record stream takes no arguments, got %q", c.Args().Slice())}
				}
				if c.String("output") == "" {
					return usageError{fmt.Errorf("record stream needs -o FILE to write the recording to")}
				}
				if c.Duration("duration") <= 0 {
					return usageError{fmt.Errorf("--duration must be positive")}
				}
				cfg, log, closeLog, err := r.setup(c)
				if err != nil {
					return err
				}
				defer closeLog()
				path := c.String("output")
				rec, err := newRecorder(path, func(err error) {
					log.Warn("a point could not be recorded", "error", err)
				})
				if err != nil {
					return err
				}
				err = r.serve(c.Context, cfg, dataDir(c, cfg, false), log, rec, c.Duration("duration"), nil)
				if cerr := rec.close(); cerr != nil && err == nil {
					err = fmt.Errorf("writing %s: %w", path, cerr)
				}
				log.Info("recorded", "points", rec.points, "skipped", rec.skipped, "file", path)
				return err
			},
		}},
	}
}
