/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The table types, one line each: the enum mim_type value, the type's name
 * (mim_type_name()), its ops table and the BPF map type it stands for
 * (mim_bpf_import()). As the kernel's bpf_types.h, this file has no include
 * guard: define MIM_TYPE(id, name, ops, bpf) to what a line should become,
 * include it, then undefine MIM_TYPE.
 *
 * mim_type_name() turns the list into a switch on enum mim_type with no
 * default, so a value missing here, listed twice or not in the enum stops
 * the build. The data-path switches of mim_datapath.h are on the same enum,
 * also without a default.
 */

MIM_TYPE(MIM_TYPE_ARRAY, array, mim_array_ops, BPF_MAP_TYPE_ARRAY)
MIM_TYPE(MIM_TYPE_HASH, hash, mim_hash_ops, BPF_MAP_TYPE_HASH)
MIM_TYPE(MIM_TYPE_LPM, lpm, mim_lpm_ops, BPF_MAP_TYPE_LPM_TRIE)
MIM_TYPE(MIM_TYPE_ARRAY_OF_TABLES, array_of_tables, mim_array_of_tables_ops,
	 BPF_MAP_TYPE_ARRAY_OF_MAPS)
MIM_TYPE(MIM_TYPE_HASH_OF_TABLES, hash_of_tables, mim_hash_of_tables_ops,
	 BPF_MAP_TYPE_HASH_OF_MAPS)
MIM_TYPE(MIM_TYPE_PERCPU_ARRAY, percpu_array, mim_percpu_array_ops,
	 BPF_MAP_TYPE_PERCPU_ARRAY)
MIM_TYPE(MIM_TYPE_PERCPU_HASH, percpu_hash, mim_percpu_hash_ops, BPF_MAP_TYPE_PERCPU_HASH)
MIM_TYPE(MIM_TYPE_LRU_HASH, lru_hash, mim_lru_hash_ops, BPF_MAP_TYPE_LRU_HASH)

/*
 * Tables the application made and mapinmap adopted (mim_adopt.h). No BPF
 * map type stands for them: a user of the list that maps BPF types defines
 * MIM_TYPE_ADOPTED(id, name, ops) to nothing before including this file;
 * for the others each line is a MIM_TYPE() line with bpf 0.
 */
#ifndef MIM_TYPE_ADOPTED
#define MIM_TYPE_ADOPTED(id, name, ops) MIM_TYPE(id, name, ops, 0)
#define MIM_TYPE_ADOPTED_DEFAULT
#endif
MIM_TYPE_ADOPTED(MIM_TYPE_RTE_HASH, rte_hash, mim_rte_hash_ops)
MIM_TYPE_ADOPTED(MIM_TYPE_RTE_LPM, rte_lpm, mim_rte_lpm_ops)
#ifdef MIM_TYPE_ADOPTED_DEFAULT
#undef MIM_TYPE_ADOPTED
#undef MIM_TYPE_ADOPTED_DEFAULT
#endif
