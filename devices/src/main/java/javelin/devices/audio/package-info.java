/**
 * Sound: the PC speaker ({@link javelin.devices.audio.PcSpeaker}) and the square wave it sounds, as
 * samples ({@link javelin.devices.audio.SquareWave}). Playing them is the host's business (module ui).
 */
package javelin.devices.audio;
