/* Text as XML (JUnit) and HTML (report.html) character data. */
#ifndef SMOKEREPORT_MARKUP_H
#define SMOKEREPORT_MARKUP_H

#include <stdio.h>

/*
 * s as XML character data or an attribute value: markup characters as
 * entities, what XML cannot hold (control characters, bytes that are not
 * UTF-8) as U+FFFD, so the document always parses.
 */
void xml_put(FILE *fp, const char *s);

#endif
