/*
 * icondraw.h: the notification icon of each agent state, drawn at the
 * size the shell asks for. Pure: pixels in, nothing else; the Win32 shell
 * (tray.c) turns them into an HICON.
 *
 * Each state is a disc in its colour with a white ring, a soft shadow and
 * a white symbol: the shapes scripts/make-icons draws for the program's
 * own icon (res/icons/climon.ico), in the same 256-unit square.
 */
#ifndef CLIMON_ICONDRAW_H
#define CLIMON_ICONDRAW_H

#include <stdint.h>

#include "climon/agent.h"

#define ICONDRAW_MIN 8
#define ICONDRAW_MAX 256

/* Draws icon at size x size pixels into px (size * size values, rows top
 * to bottom, each 0xAARRGGBB with straight alpha: the layout of a
 * top-down 32-bit DIB). Returns 0; -1 for a size outside ICONDRAW_MIN..
 * ICONDRAW_MAX or an unknown state, px untouched. */
int icondraw_render(agent_icon icon, int size, uint32_t *px);

/* The disc's colour of a state, 0xRRGGBB (0 for an unknown one). */
uint32_t icondraw_colour(agent_icon icon);

#endif
