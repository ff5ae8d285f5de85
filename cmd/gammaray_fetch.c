/* gammaray_fetch.c: gammaray-fetch, CloudWatch Logs and X-Ray inputs to the event stream. */
#include "cli.h"

int main(int argc, char **argv)
{
	(void)argc; (void)argv;
	cli_init("gammaray-fetch");
	return cli_finish(0);
}
